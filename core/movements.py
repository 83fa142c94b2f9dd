"""A prisoner released or transferred: pending requests are rejected, booked visits go to
staff for review, and visitors are told. Staff then keep each visit (`keep_reviewed_visit`) or
cancel it with a reason (core.cancel)."""
from __future__ import annotations

from sqlalchemy import select, update

from .actor import Actor
from .audit import record
from .cancel import end_booking
from .catalogue import Phrase, render
from .clock import Clock
from .errors import Refused
from .find import get_booking
from .models import BOOKED, REJECTED, REQUESTED, Booking, VisitSlot
from .outbox import text_about_booking
from .people import get_prisoner
from .uow import UnitOfWork

# The reason staff read in the records is English; the visitor's text says it in their language.
RELEASED = Phrase("because_prisoner_released")
TRANSFERRED = Phrase("because_prisoner_transferred")


def prisoner_released(uow: UnitOfWork, clock: Clock, *, prisoner_id: int, actor: Actor) -> None:
    _move(uow, clock, prisoner_id, None, actor, RELEASED)


def prisoner_transferred(uow: UnitOfWork, clock: Clock, *, prisoner_id: int, to_prison_id: int,
                         actor: Actor) -> None:
    _move(uow, clock, prisoner_id, to_prison_id, actor, TRANSFERRED)


def _move(uow: UnitOfWork, clock: Clock, prisoner_id: int, to_prison_id: int | None,
          actor: Actor, why: Phrase) -> None:
    session = uow.session
    reason = render(why)
    prisoner = get_prisoner(session, prisoner_id)
    before = prisoner.prison_id
    for booking in _future_bookings(session, clock, prisoner_id):
        if booking.status == REQUESTED:
            if end_booking(uow, clock, booking, REJECTED, actor, reason):
                text_about_booking(uow, clock, booking, "request_rejected",
                                   "sms_request_rejected", reason=why)
        elif not booking.needs_review:
            booking.needs_review = True
            record(session, clock, actor, "booking", booking.id, "needs_review",
                   after={"reason": reason})
            text_about_booking(uow, clock, booking, "needs_review", "sms_needs_review")
    prisoner.prison_id = to_prison_id
    record(session, clock, actor, "prisoner", prisoner.id,
           "released" if to_prison_id is None else "transferred",
           before={"prison_id": before}, after={"prison_id": to_prison_id})
    uow.commit()


def _future_bookings(session, clock: Clock, prisoner_id: int) -> list[Booking]:
    return list(session.scalars(
        select(Booking).join(VisitSlot, Booking.slot_id == VisitSlot.id)
        .where(Booking.prisoner_id == prisoner_id, Booking.status.in_((REQUESTED, BOOKED)),
               VisitSlot.starts_at > clock.now())))


def visits_to_review(session, *, prison_id: int) -> list[Booking]:
    """Booked visits at this prison that staff must keep or cancel since their prisoner moved,
    soonest first."""
    return list(session.scalars(
        select(Booking).join(VisitSlot, Booking.slot_id == VisitSlot.id)
        .where(Booking.prison_id == prison_id, Booking.status == BOOKED,
               Booking.needs_review.is_(True))
        .order_by(VisitSlot.starts_at, Booking.id)))


def keep_reviewed_visit(uow: UnitOfWork, clock: Clock, *, booking_id: int,
                        actor: Actor) -> bool:
    """Staff decide a visit under review goes ahead: it leaves the review queue. False if it
    was not waiting for review (kept already, or ended)."""
    session = uow.session
    booking = get_booking(session, booking_id)
    if booking.status != BOOKED:
        raise Refused("review_visit_ended")
    kept = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == BOOKED,
                              Booking.needs_review.is_(True))
        .values(needs_review=False).execution_options(synchronize_session=False)).rowcount
    if not kept:
        return False
    record(session, clock, actor, "booking", booking.id, "review_kept",
           before={"needs_review": True}, after={"needs_review": False})
    uow.commit()
    return True
