"""Sending one text from the outbox: the use case the send job runs (config.jobs_sms).

Safe to run twice, or twice at once: the message's provider SID in the database is the guard.
Before calling the provider the attempt is claimed (a guarded UPDATE marks it in flight and
commits), so a second run sees it and backs off; a run that finds an earlier attempt whose
outcome is unknown (the worker died, the HTTP call timed out) first asks the provider whether
that text went, and adopts its SID rather than sending again.

Never sent: numbers that opted out, numbers that are not mobiles, a number over its daily cap
(SMS pumping), a reminder for a visit that has started. Those are 'skipped' or 'withdrawn'.
Failures are classified: transient ones raise TransientSendError so the job retries with
backoff; permanent ones are recorded as 'failed' with the provider's error code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol

from sqlalchemy import func, select, update

from .clock import LONDON, Clock, at_local
from .models import Booking, OutboundMessage
from .models.messages import (FAILED, PENDING, QUEUED, SCHEDULED, SENT, SKIPPED,
                              WITHDRAWN)
from .optouts import is_opted_out, record_opt_out
from .phones import is_uk_mobile
from .uow import UnitOfWork

SENDABLE = (PENDING, QUEUED, SCHEDULED)
# Twilio error codes (https://www.twilio.com/docs/api/errors).
UNSUBSCRIBED = 21610
PERMANENT_CODES = frozenset({21211, 21610, 21614, 30005, 30006})
TRANSIENT_CODES = frozenset({20429, 30003, 30008})
# error_code values of our own while no provider code applies.
IN_FLIGHT = "sending"          # an attempt is calling the provider now
NO_ANSWER = "no_answer"        # the call failed without an answer: the text may have gone
UNKNOWN_OUTCOME = (IN_FLIGHT, NO_ANSWER)
# Longer than any attempt can take: the send job is stopped after 20 s (config.queueing), the
# HTTP call after 10 s to connect and 10 s to read.
LEASE = timedelta(seconds=30)
DEFAULT_DAILY_CAP = 10
# How long the provider may keep trying: a text that would arrive too late is dropped.
VALIDITY_SECONDS = {"offer": 30 * 60}
DEFAULT_VALIDITY_SECONDS = 4 * 3600

# What deliver_message did.
SENT_NOW, ALREADY, GONE, NOT_DUE = "sent", "already", "gone", "not_due"


class SendFailed(Exception):
    """A sender's report that the provider did not take the text. `answered` is False when no
    answer came back (timeout, connection lost): the text may or may not have gone."""

    def __init__(self, detail: str, *, http_status: int | None = None, code: int | None = None,
                 answered: bool = True):
        super().__init__(detail)
        self.http_status = http_status
        self.code = code
        self.answered = answered


class TransientSendError(Exception):
    """Try again later (the job retries with backoff)."""


class Sender(Protocol):
    """The SMS provider (sms.twilio_sender in production, a console sender in development)."""

    def send(self, *, message_id: int, to: str, body: str, validity_period: int) -> str:
        """Hand the text to the provider; return its SID, or raise SendFailed."""

    def find_sent(self, *, to: str, body: str, since: datetime) -> str | None:
        """The SID of this text if the provider already has it (an earlier attempt)."""


@dataclass(frozen=True)
class Delivery:
    outcome: str           # sent | already | gone | not_due | skipped | withdrawn | failed
    detail: str = ""


def deliver_message(uow: UnitOfWork, clock: Clock, sender: Sender, message_id: int, *,
                    daily_cap: int = DEFAULT_DAILY_CAP) -> Delivery:
    session = uow.session
    message = session.get(OutboundMessage, message_id)
    if message is None:
        return Delivery(GONE)
    if message.provider_sid or message.status not in SENDABLE:
        return Delivery(ALREADY, message.status)
    now = clock.now()
    if message.status == SCHEDULED and message.send_after > now:
        return Delivery(NOT_DUE)      # not yet relayed: the relay decides when it is due
    to, body, since = message.to_phone, message.body, message.created_at
    if _in_flight(message, now):
        # Another attempt is sending it, or died doing so (a killed worker): adopt its text if
        # the provider has it, else wait for the lease to run out.
        earlier = _sent_before(sender, message_id, to, body, since)
        if earlier:
            return _record_sent(uow, clock, message_id, earlier)
        raise TransientSendError(f"message {message_id} is being sent by another attempt")
    ended = _reason_not_to_send(session, clock, message, daily_cap)
    if ended is not None:
        return _end(uow, clock, message_id, *ended)
    unsure = message.attempts > 0 and message.error_code in UNKNOWN_OUTCOME
    validity = _validity(session, message, now)
    _claim(uow, clock, message)
    earlier = _sent_before(sender, message_id, to, body, since) if unsure else None
    if earlier:
        return _record_sent(uow, clock, message_id, earlier)
    try:
        sid = sender.send(message_id=message_id, to=to, body=body, validity_period=validity)
    except SendFailed as failure:
        return _after_failure(uow, clock, message_id, to, failure)
    return _record_sent(uow, clock, message_id, sid)


def _sent_before(sender: Sender, message_id: int, to: str, body: str,
                 since: datetime) -> str | None:
    try:
        return sender.find_sent(to=to, body=body, since=since)
    except SendFailed as failure:
        raise TransientSendError(f"message {message_id}: cannot check earlier attempts: "
                                 f"{failure}") from failure


def _in_flight(message: OutboundMessage, now: datetime) -> bool:
    return (message.error_code == IN_FLIGHT and message.status_updated_at is not None
            and now - message.status_updated_at < LEASE)


def _reason_not_to_send(session, clock: Clock, message: OutboundMessage,
                        daily_cap: int) -> tuple[str, str] | None:
    if is_opted_out(session, message.to_phone):
        return SKIPPED, "opted_out"
    if not is_uk_mobile(message.to_phone):
        return SKIPPED, "not_mobile"
    starts = _starts_at(session, message) if message.kind == "reminder" else None
    if starts is not None and starts <= clock.now():
        return WITHDRAWN, "stale"
    if _sent_today(session, clock, message.to_phone) >= daily_cap:
        return SKIPPED, "daily_cap"
    return None


def _sent_today(session, clock: Clock, phone: str) -> int:
    midnight = at_local(clock.now().astimezone(LONDON).date(), time(0))
    return session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.to_phone == phone, OutboundMessage.sent_at >= midnight))


def _starts_at(session, message: OutboundMessage) -> datetime | None:
    if message.booking_id is None:
        return None
    booking = session.get(Booking, message.booking_id)
    return booking.slot.starts_at if booking is not None else None


def _validity(session, message: OutboundMessage, now: datetime) -> int:
    seconds = VALIDITY_SECONDS.get(message.kind, DEFAULT_VALIDITY_SECONDS)
    starts = _starts_at(session, message) if message.kind == "reminder" else None
    if starts is not None:
        seconds = min(seconds, int((starts - now).total_seconds()))
    return max(seconds, 60)


def _claim(uow: UnitOfWork, clock: Clock, message: OutboundMessage) -> None:
    """Mark this attempt in flight; only one of two runs racing here wins."""
    won = uow.session.execute(
        update(OutboundMessage).where(OutboundMessage.id == message.id,
                                      OutboundMessage.provider_sid.is_(None),
                                      OutboundMessage.status.in_(SENDABLE),
                                      OutboundMessage.attempts == message.attempts)
        .values(attempts=message.attempts + 1, error_code=IN_FLIGHT,
                status_updated_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount == 1
    uow.commit()
    if not won:
        raise TransientSendError(f"message {message.id} was claimed by another attempt")


def _end(uow: UnitOfWork, clock: Clock, message_id: int, status: str, reason: str) -> Delivery:
    uow.session.execute(
        update(OutboundMessage).where(OutboundMessage.id == message_id,
                                      OutboundMessage.provider_sid.is_(None),
                                      OutboundMessage.status.in_(SENDABLE))
        .values(status=status, error_code=reason[:12], status_updated_at=clock.now())
        .execution_options(synchronize_session=False))
    uow.commit()
    return Delivery(status, reason)


def _record_sent(uow: UnitOfWork, clock: Clock, message_id: int, sid: str) -> Delivery:
    session, now = uow.session, clock.now()
    session.execute(
        update(OutboundMessage).where(OutboundMessage.id == message_id,
                                      (OutboundMessage.provider_sid.is_(None))
                                      | (OutboundMessage.provider_sid == sid))
        .values(provider_sid=sid, sent_at=now, status_updated_at=now)
        .execution_options(synchronize_session=False))
    # A status callback may have got here first with a later status: never go back from it.
    session.execute(
        update(OutboundMessage).where(OutboundMessage.id == message_id,
                                      OutboundMessage.status.in_(SENDABLE))
        .values(status=SENT, error_code="").execution_options(synchronize_session=False))
    uow.commit()
    return Delivery(SENT_NOW, sid)


def is_transient(failure: SendFailed) -> bool:
    if failure.code in PERMANENT_CODES:
        return False
    return (not failure.answered or failure.code in TRANSIENT_CODES
            or failure.http_status == 429 or (failure.http_status or 0) >= 500)


def _after_failure(uow: UnitOfWork, clock: Clock, message_id: int, to: str,
                   failure: SendFailed) -> Delivery:
    code = str(failure.code or failure.http_status or "") or NO_ANSWER
    if is_transient(failure):
        uow.session.execute(
            update(OutboundMessage).where(OutboundMessage.id == message_id,
                                          OutboundMessage.provider_sid.is_(None))
            .values(error_code=(code if failure.answered else NO_ANSWER)[:12],
                    status_updated_at=clock.now())
            .execution_options(synchronize_session=False))
        uow.commit()
        raise TransientSendError(f"message {message_id}: {failure} ({code})") from failure
    if failure.code == UNSUBSCRIBED:
        record_opt_out(uow.session, clock, to, str(UNSUBSCRIBED))
    return _end(uow, clock, message_id, FAILED, code)
