"""Why a text is never sent, and how long the provider may keep trying one that is.

Never sent: numbers that opted out, numbers that are not mobiles, a number over its daily cap
(SMS pumping), a text about a visit that no longer applies (stale: a reminder for a visit that
has started, a feedback request for a visit now a no-show or cancelled). Those are 'skipped' or
'withdrawn'. A feedback request's booking is read under a shared row lock held until the text is
claimed, so staff recording a no-show meanwhile either come first (the text is withdrawn) or
wait, and then find the text in flight (core.attendance: it may have gone).
Used by sending one text (core.delivery) and many (core.delivery_batch) alike, and by the
answer to a text the line receives (core.inbound): an answer is a text the line sends too, so a
stream of texts from abroad or from one number cannot make the line text them back (SMS pumping).
"""
from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import func, select

from .clock import LONDON, Clock, at_local
from .models import ACTIVE_STATES, ATTENDED, BOOKED, Booking, OutboundMessage, VisitSlot
from .models.messages import SKIPPED, WITHDRAWN
from .optouts import is_opted_out
from .phones import is_uk_mobile

DEFAULT_DAILY_CAP = 10
# How long the provider may keep trying: a text that would arrive too late is dropped.
VALIDITY_SECONDS = {"offer": 30 * 60}
DEFAULT_VALIDITY_SECONDS = 4 * 3600
# Texts about a booking, and the booking statuses a feedback request still applies to (a no-show
# is not asked for feedback, nor a cancelled visit).
REMINDER, FEEDBACK_REQUEST = "reminder", "feedback_request"
ABOUT_A_VISIT = (REMINDER, FEEDBACK_REQUEST)
ASKED_FOR_FEEDBACK = (BOOKED, ATTENDED)
ANSWER = "answer"      # the TwiML answer to a text received, recorded as sent when given


class Visit(NamedTuple):
    """What a text about a booking needs to know of it when it would go."""
    status: str
    starts_at: datetime


def reason_not_to_send(session, clock: Clock, message: OutboundMessage, visit: Visit | None,
                       daily_cap: int) -> tuple[str, str] | None:
    return why_not(opted_out=is_opted_out(session, message.to_phone), phone=message.to_phone,
                   kind=message.kind, visit=visit, now=clock.now(),
                   sent_today=lambda: _sent_today(session, clock, message.to_phone),
                   daily_cap=daily_cap)


def reason_not_to_answer(session, clock: Clock, phone: str, *, confirms_opt_out: bool,
                         daily_cap: int) -> tuple[str, str] | None:
    """Why a text received gets no answer. The one answer a number that has just opted out may
    still get is the confirmation of it."""
    return why_not(opted_out=not confirms_opt_out and is_opted_out(session, phone), phone=phone,
                   kind=ANSWER, visit=None, now=clock.now(),
                   sent_today=lambda: _sent_today(session, clock, phone), daily_cap=daily_cap)


def why_not(*, opted_out: bool, phone: str, kind: str, visit: Visit | None, now: datetime,
            sent_today, daily_cap: int) -> tuple[str, str] | None:
    """The one place the reasons a text is never sent are decided, in their order."""
    if opted_out:
        return SKIPPED, "opted_out"
    if not _mobile(phone):
        return SKIPPED, "not_mobile"
    if _stale(kind, visit, now):
        return WITHDRAWN, "stale"
    if sent_today() >= daily_cap:
        return SKIPPED, "daily_cap"
    return None


@lru_cache(maxsize=4096)
def _mobile(phone: str) -> bool:
    return is_uk_mobile(phone)


def midnight(clock: Clock) -> datetime:
    return at_local(clock.now().astimezone(LONDON).date(), time(0))


def _sent_today(session, clock: Clock, phone: str) -> int:
    return session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.to_phone == phone, OutboundMessage.sent_at >= midnight(clock)))


def _stale(kind: str, visit: Visit | None, now: datetime) -> bool:
    """A text about a visit that no longer applies: a reminder once the visit has started or is
    no longer on (cancelled after the reminder fell due), a feedback request once the visit is
    recorded as a no-show or cancelled."""
    if visit is None:
        return False
    if kind == REMINDER:
        return visit.starts_at <= now or visit.status not in ACTIVE_STATES
    return kind == FEEDBACK_REQUEST and visit.status not in ASKED_FOR_FEEDBACK


def visits(session, messages) -> dict[int, Visit]:
    """The bookings these texts are about, by id. Those a feedback request is about are first
    locked (FOR SHARE, until the caller commits its claim): their status cannot change between
    this read and the claim."""
    about = {m.booking_id for m in messages if m.kind in ABOUT_A_VISIT and m.booking_id}
    if not about:
        return {}
    asking = sorted({m.booking_id for m in messages
                     if m.kind == FEEDBACK_REQUEST and m.booking_id})
    if asking:
        session.execute(select(Booking.id).where(Booking.id.in_(asking))
                        .order_by(Booking.id).with_for_update(read=True))
    rows = session.execute(
        select(Booking.id, Booking.status, VisitSlot.starts_at)
        .join(VisitSlot, Booking.slot_id == VisitSlot.id).where(Booking.id.in_(about)))
    return {booking_id: Visit(status, starts) for booking_id, status, starts in rows}


def reminder_starts(kind: str, visit: Visit | None) -> datetime | None:
    return visit.starts_at if kind == REMINDER and visit is not None else None


def validity_seconds(kind: str, starts: datetime | None, now: datetime) -> int:
    """How long the provider may keep trying a text of this kind sent now: a reminder no later
    than its visit's start."""
    seconds = VALIDITY_SECONDS.get(kind, DEFAULT_VALIDITY_SECONDS)
    if starts is not None:
        seconds = min(seconds, int((starts - now).total_seconds()))
    return max(seconds, 60)
