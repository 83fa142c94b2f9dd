"""The outbox: every text a change causes, written in the change's own transaction.

Sending belongs to the SMS adapter and the jobs; the core only writes rows. A row's dedupe key
names its cause, so writing the same cause twice leaves one row.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import catalogue
from .clock import LONDON, Clock
from .models import Booking, OutboundMessage, Visitor
from .models.messages import PENDING, SCHEDULED, WITHDRAWN
from .uow import UnitOfWork



def queue_text(uow: UnitOfWork, clock: Clock, *, key: str, kind: str, visitor: Visitor,
               code: str, params: dict, booking_id: int | None = None,
               send_after: datetime | None = None) -> OutboundMessage | None:
    """Write one text to a visitor; None when they have no phone or it was written before."""
    session = uow.session
    if not visitor.phone:
        return None
    if session.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == key)):
        return None
    now = clock.now()
    due = send_after is None or send_after <= now
    message = OutboundMessage(
        dedupe_key=key, kind=kind, to_phone=visitor.phone, visitor_id=visitor.id,
        booking_id=booking_id, language=visitor.language,
        body=catalogue.render(code, visitor.language, **params),
        status=PENDING if due else SCHEDULED, send_after=send_after or now, created_at=now)
    session.add(message)
    session.flush()
    if due:
        uow.message_written(message.id)
    return message


def booking_params(booking: Booking, language: str) -> dict:
    slot = booking.slot
    return dict(prison=slot.prison.name, day=catalogue.day_text(slot.date, language),
                time=catalogue.time_text(slot.starts_at), reference=booking.reference,
                prisoner=booking.prisoner.name, visitors=names(booking.visitors, language),
                id_requirements=slot.prison.id_requirements)


def text_about_booking(uow: UnitOfWork, clock: Clock, booking: Booking, kind: str, code: str,
                       *, suffix: str = "", send_after: datetime | None = None,
                       **extra) -> OutboundMessage | None:
    lead = booking.lead_visitor
    params = booking_params(booking, lead.language) | extra
    return queue_text(uow, clock, key=f"{kind}-{booking.id}{suffix}", kind=kind, visitor=lead,
                      code=code, params=params, booking_id=booking.id, send_after=send_after)


def schedule_reminders(uow: UnitOfWork, clock: Clock, booking: Booking) -> None:
    """Reminders at the prison's offsets before the visit, none that would fall in the past."""
    # Arithmetic on a London time keeps the wall clock: "7 days before" stays at the visit's
    # hour across a clock change.
    starts = booking.slot.starts_at.astimezone(LONDON)
    for hours in booking.slot.prison.reminder_offsets():
        due = starts - timedelta(hours=hours)
        if due > clock.now():
            text_about_booking(uow, clock, booking, "reminder", "sms_reminder",
                               suffix=f"-{hours}h", send_after=due)


def withdraw_scheduled_texts(session: Session, booking_id: int) -> None:
    """A cancelled booking sends no more reminders or feedback requests."""
    session.execute(update(OutboundMessage)
                    .where(OutboundMessage.booking_id == booking_id,
                           OutboundMessage.status == SCHEDULED)
                    .values(status=WITHDRAWN).execution_options(synchronize_session=False))


def names(visitors: list[Visitor], language: str) -> str:
    people = [v.name for v in visitors]
    if len(people) <= 1:
        return "".join(people)
    return f"{', '.join(people[:-1])} {catalogue.render('and', language)} {people[-1]}"
