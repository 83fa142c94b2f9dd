"""Booking a visit (spec row 1): a held table becomes a booking, or a request for staff."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import booking_log
from .actor import Actor
from .audit import record, snapshot
from .capacity import end_hold, release_place
from .catalogue import Phrase
from .clock import Clock
from .entitlement import use_visiting_order
from .errors import Refused
from .holds import assess, hold_table
from .locks import lock_people
from .models import BOOKED, CONFIRMED, HELD, LAPSED, RELEASED, REQUESTED, Booking, \
    BookingVisitor, ApprovedVisitor, Hold, Prisoner
from .outbox import schedule_reminders, text_about_booking
from .reference import new_reference
from .rules import Assessment
from .uow import UnitOfWork


def confirm_booking(uow: UnitOfWork, clock: Clock, *, hold_id: int, actor: Actor,
                    support_needs: str = "") -> Booking:
    """Every rule is checked again: things may have changed while the caller listened."""
    session = uow.session
    hold = session.get(Hold, hold_id)
    if hold is None or hold.status != HELD:
        raise Refused("hold_expired")
    if hold.expires_at <= clock.now():
        _end_and_release(uow, hold, LAPSED)
        raise Refused("hold_expired")
    lock_people(session, [hold.prisoner_id], hold.party_ids())
    read: list = []   # the slot, prison, prisoner and party: the booking and its texts need them
    try:
        assessment = assess(uow, clock, hold.slot_id, hold.prisoner_id, hold.party_ids(),
                            keep=read)
        if assessment.uses_vo and not use_visiting_order(session, hold.prisoner_id):
            raise _no_visiting_order_left(uow, hold.prisoner_id)
        booking = _create_booking(uow, clock, hold, assessment, actor, support_needs)
    except Refused as refusal:
        uow.rollback()
        _end_and_release(uow, uow.session.get(Hold, hold_id), RELEASED)
        booking_log.refused(refusal.reason)
        raise
    except IntegrityError:
        # Two holds for one prisoner in one session: the unique index let only one through.
        uow.rollback()
        _end_and_release(uow, uow.session.get(Hold, hold_id), RELEASED)
        booking_log.refused("prisoner_already_booked")
        raise Refused("prisoner_already_booked") from None
    _tell_visitor(uow, clock, booking)
    outcome = "booked" if booking.status == BOOKED else "requested"
    record(session, clock, actor, "booking", booking.id, outcome, after=snapshot(booking))
    uow.commit()
    booking_log.changed(booking.reference, outcome)
    return booking


def book_visit(uow: UnitOfWork, clock: Clock, *, slot_id: int, prisoner_id: int,
               visitor_ids: list[int], actor: Actor, support_needs: str = "") -> Booking:
    """Hold and confirm in one go: staff booking on a visitor's behalf, a waiting-list BOOK."""
    held = hold_table(uow, clock, slot_id=slot_id, prisoner_id=prisoner_id,
                      visitor_ids=visitor_ids, actor=actor)
    return confirm_booking(uow, clock, hold_id=held.hold_id, actor=actor,
                           support_needs=support_needs)


def _create_booking(uow: UnitOfWork, clock: Clock, hold: Hold, assessment: Assessment,
                    actor: Actor, support_needs: str) -> Booking:
    session = uow.session
    if not end_hold(session, hold.id, CONFIRMED):
        raise Refused("hold_expired")
    booking = Booking(
        reference=_unused_reference(session), prison_id=hold.slot.prison_id,
        prisoner_id=hold.prisoner_id, slot_id=hold.slot_id, lead_visitor_id=hold.lead_visitor_id,
        kind=hold.slot.kind, closed=assessment.closed, closed_because=assessment.closed_because,
        tables=hold.tables, uses_vo=assessment.uses_vo,
        status=REQUESTED if assessment.request_reason else BOOKED,
        request_reason=assessment.request_reason, channel=actor.channel,
        created_at=clock.now(), support_needs=support_needs)
    session.add(booking)
    session.flush()
    relationships = dict(session.execute(
        select(ApprovedVisitor.visitor_id, ApprovedVisitor.relationship_to_prisoner)
        .where(ApprovedVisitor.prisoner_id == hold.prisoner_id)).all())
    for position, visitor_id in enumerate(hold.party_ids()):
        session.add(BookingVisitor(booking_id=booking.id, visitor_id=visitor_id, position=position,
                                   relationship_to_prisoner=relationships.get(visitor_id, "")))
    session.flush()
    return booking


def _tell_visitor(uow: UnitOfWork, clock: Clock, booking: Booking) -> None:
    if booking.status == REQUESTED:
        text_about_booking(uow, clock, booking, "request_received", "sms_request_received")
        return
    text_about_booking(uow, clock, booking, "confirmation", "sms_confirmation")
    schedule_reminders(uow, clock, booking)


def _end_and_release(uow: UnitOfWork, hold: Hold | None, status: str) -> None:
    if hold is not None and end_hold(uow.session, hold.id, status):
        release_place(uow.session, hold.slot_id, hold.tables, hold.closed)
    uow.commit()


def _no_visiting_order_left(uow: UnitOfWork, prisoner_id: int) -> Refused:
    """Another booking took the last VO after this one was assessed."""
    prisoner = uow.session.get(Prisoner, prisoner_id)
    uow.session.refresh(prisoner)
    return Refused("no_vo_left", next_due=prisoner.vo_renewal_date or Phrase("next_renewal"))


def _unused_reference(session) -> str:
    while True:
        reference = new_reference()
        if session.scalar(select(Booking.id).where(Booking.reference == reference)) is None:
            return reference
