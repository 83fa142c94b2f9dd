"""Requests (DESIGN.md): a flagged visitor or a large family's two tables wait for staff, who
approve or reject with a reason; the visitor is told by text."""
from __future__ import annotations

from sqlalchemy import update

from .actor import Actor
from .audit import record
from .cancel import end_booking
from .clock import Clock
from .errors import Refused
from .find import get_booking
from .models import BOOKED, REJECTED, REQUESTED, Booking
from .outbox import schedule_reminders, text_about_booking
from .uow import UnitOfWork


def approve_request(uow: UnitOfWork, clock: Clock, *, booking_id: int, actor: Actor,
                    reason: str = "") -> Booking:
    session = uow.session
    booking = get_booking(session, booking_id)
    changed = session.execute(
        update(Booking).where(Booking.id == booking_id, Booking.status == REQUESTED)
        .values(status=BOOKED, decided_at=clock.now(), decided_by=actor.label,
                decision_reason=reason).execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise Refused("not_a_request")
    session.refresh(booking)
    record(session, clock, actor, "booking", booking.id, "approved",
           before={"status": REQUESTED}, after={"status": BOOKED, "reason": reason})
    text_about_booking(uow, clock, booking, "request_approved", "sms_request_approved")
    schedule_reminders(uow, clock, booking)
    uow.commit()
    return booking


def reject_request(uow: UnitOfWork, clock: Clock, *, booking_id: int, actor: Actor,
                   reason: str) -> Booking:
    """The place and the VO go back at once; the reason is texted to the visitor."""
    session = uow.session
    booking = get_booking(session, booking_id)
    if booking.status != REQUESTED or not end_booking(uow, clock, booking, REJECTED, actor,
                                                      reason):
        raise Refused("not_a_request")
    text_about_booking(uow, clock, booking, "request_rejected", "sms_request_rejected",
                       reason=reason)
    uow.commit()
    return booking
