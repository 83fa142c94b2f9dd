"""A prisoner released or transferred: pending requests are rejected, booked visits go to
staff for review, and visitors are told."""
from __future__ import annotations

from sqlalchemy import select

from .actor import Actor
from .audit import record
from .cancel import end_booking
from .catalogue import Phrase, render
from .clock import Clock
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
