"""Cancelling (spec row 3): the place is free at once, the VO given back, the prisoner told."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from . import booking_log, catalogue
from .actor import Actor
from .audit import record
from .capacity import release_place
from .clock import Clock
from .entitlement import give_back_visiting_order
from .errors import Refused
from .find import get_booking
from .models import BOOKED, CANCELLED, REJECTED, REQUESTED, WITHDRAWN, Booking, PrisonerNotice
from .outbox import names, text_about_booking, withdraw_scheduled_texts
from .uow import UnitOfWork
from .waiting_list import offer_released_place


@dataclass(frozen=True)
class Cancelled:
    booking_id: int
    reference: str
    changed: bool      # False: it was already ended, and nothing was done or sent again
    status: str


def cancel_booking(uow: UnitOfWork, clock: Clock, *, booking_id: int, actor: Actor,
                   reason: str = "") -> Cancelled:
    """Visitors cancel visits that have not started; staff may cancel past ones with a reason.
    A request becomes withdrawn, a booking cancelled; a second cancel changes nothing."""
    session = uow.session
    booking = get_booking(session, booking_id)
    if booking.status not in (REQUESTED, BOOKED):
        return Cancelled(booking.id, booking.reference, False, booking.status)
    if booking.slot.starts_at <= clock.now():
        if not actor.is_staff:
            raise Refused("too_late_to_cancel")
        if not reason.strip():
            raise Refused("cancel_reason_needed")
    new_status = WITHDRAWN if booking.status == REQUESTED else CANCELLED
    if not end_booking(uow, clock, booking, new_status, actor, reason):
        session.refresh(booking)
        return Cancelled(booking.id, booking.reference, False, booking.status)
    text_about_booking(uow, clock, booking, "cancellation", "sms_cancellation")
    uow.commit()
    return Cancelled(booking.id, booking.reference, True, new_status)


def end_booking(uow: UnitOfWork, clock: Clock, booking: Booking, new_status: str, actor: Actor,
                reason: str) -> bool:
    """Move an active booking to an ended state and release all it held: tables, VO, texts
    still to come. Only the one transaction that changes the status does the rest; the place
    goes to the first visitor waiting for it, if any, in this same transaction."""
    session = uow.session
    before = booking.status
    changed = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == before)
        .values(status=new_status, decided_at=clock.now(), decided_by=actor.label,
                decision_reason=reason)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not changed:
        return False
    session.refresh(booking)
    release_place(session, booking.slot_id, booking.tables, booking.closed)
    if booking.uses_vo:
        give_back_visiting_order(session, booking.prisoner_id)
    withdraw_scheduled_texts(session, booking.id)
    offer_released_place(uow, clock, booking.slot_id)   # same transaction: see waiting_list
    if new_status in (CANCELLED, WITHDRAWN, REJECTED) and before == BOOKED:
        notify_prisoner(session, clock, booking, actor, reason)
    record(session, clock, actor, "booking", booking.id, new_status,
           before={"status": before}, after={"status": new_status, "reason": reason})
    booking_log.changed(booking.reference, new_status)
    return True


def notify_prisoner(session, clock: Clock, booking: Booking, actor: Actor, reason: str) -> None:
    """A notice on the wing's list, so the prisoner is informed; staff record its delivery."""
    prison = booking.slot.prison
    language = prison.language
    why_code = {"visitor": "cancelled_by_visitor", "staff": "cancelled_by_staff"}.get(
        actor.kind, "cancelled_by_system")
    text = catalogue.render(
        "notice_visit_cancelled", language, day=catalogue.day_text(booking.slot.date, language),
        time=catalogue.time_text(booking.slot.starts_at),
        visitors=names(booking.visitors, language),
        why=catalogue.render(why_code, language, reason=reason or "-"))
    session.add(PrisonerNotice(prison_id=prison.id, prisoner_id=booking.prisoner_id,
                               booking_id=booking.id, location=booking.prisoner.location,
                               text=text, created_at=clock.now()))
