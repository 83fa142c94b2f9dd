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
from .delivery_rules import validity_seconds
from .models import BOOKED, Booking, OutboundMessage, Visitor
from .models.messages import PENDING, SCHEDULED, WITHDRAWN
from .reference import written
from .sms_form import for_sms
from .uow import UnitOfWork

# A text sent again gets this key and its original's id, whether staff send it
# (core.staff_work) or it goes again by itself (resend_reminder_later): at most once either way.
RESEND_PREFIX = "retry-of-"
# Delivery failures that may pass: the handset unreachable (off, no signal), an unknown error.
PASSING_DELIVERY_FAILURES = frozenset({"30003", "30008"})
RESEND_AFTER = timedelta(minutes=30)


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
        body=for_sms(catalogue.render(code, visitor.language, **params), visitor.language),
        status=PENDING if due else SCHEDULED, send_after=send_after or now, created_at=now)
    session.add(message)
    session.flush()
    if due:
        uow.message_written(message.id)
    return message


def booking_params(booking: Booking, language: str) -> dict:
    slot = booking.slot
    return dict(prison=slot.prison.name, day=catalogue.day_text(slot.date, language),
                time=catalogue.time_text(slot.starts_at), reference=written(booking.reference),
                prisoner=booking.prisoner.name, visitors=names(booking.visitors, language),
                id_requirements=slot.prison.id_wording(language))


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


def resend_reminder_later(session: Session, clock: Clock,
                          message: OutboundMessage) -> OutboundMessage | None:
    """A reminder the handset could not be reached for goes once more, RESEND_AFTER later, if it
    would still be of use: RESEND_AFTER of its validity left then (validity ends when the visit
    starts), the booking still on, and not sent again before. The new text takes the usual way
    (the relay when due, every check at sending: opt-out, daily cap, the visit not started;
    withdrawn if the booking is cancelled meanwhile). Other texts are left to staff, who see the
    undelivered ones on the operations page and can send them again."""
    if (message.kind != "reminder" or message.booking_id is None
            or message.dedupe_key.startswith(RESEND_PREFIX)):
        return None
    if sent_again(session, message):
        return None
    booking = session.get(Booking, message.booking_id)
    if booking is None or booking.status != BOOKED:
        return None
    now = clock.now()
    again_at = now + RESEND_AFTER
    went = message.sent_at or message.created_at
    valid_until = went + timedelta(seconds=validity_seconds(message.kind,
                                                            booking.slot.starts_at, went))
    if again_at + RESEND_AFTER > min(valid_until, booking.slot.starts_at):
        return None             # too late to be of use: the provider would have no time to try
    return copy_to_send_again(session, clock, message, send_after=again_at)


def sent_again(session: Session, message: OutboundMessage) -> bool:
    return session.scalar(select(OutboundMessage.id).where(
        OutboundMessage.dedupe_key == f"{RESEND_PREFIX}{message.id}")) is not None


def copy_to_send_again(session: Session, clock: Clock, message: OutboundMessage, *,
                       send_after: datetime) -> OutboundMessage:
    """A new outbox row with the text's words, due at send_after; the original stays as it was,
    so the record is true. Callers check sent_again first: the key allows one copy."""
    now = clock.now()
    due = send_after <= now
    again = OutboundMessage(dedupe_key=f"{RESEND_PREFIX}{message.id}", kind=message.kind,
                            to_phone=message.to_phone, visitor_id=message.visitor_id,
                            booking_id=message.booking_id, language=message.language,
                            body=message.body, status=PENDING if due else SCHEDULED,
                            send_after=send_after, created_at=now)
    session.add(again)
    session.flush()
    return again


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
