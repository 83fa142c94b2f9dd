"""Sending one text from the outbox: the use case the send job runs (config.jobs_sms), and what
sending one or many (core.delivery_batch) share: statuses, provider codes, the lease on an
attempt, the sender port, and the record of a claim, a send and a failure.

Safe to run twice, or twice at once: the message's provider SID in the database is the guard.
Before calling the provider the attempt is claimed (a guarded UPDATE marks it in flight and
commits), so a second run sees it and backs off; a run that finds an earlier attempt whose
outcome is unknown (the worker died, the HTTP call timed out) first asks the provider whether
that text went, and adopts its SID rather than sending again.

What is never sent, and how long a text stays valid, is core.delivery_rules'.
Failures are classified: transient ones raise TransientSendError so the job retries with
backoff; permanent ones are recorded as 'failed' with the provider's error code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import bindparam, or_, update

from .clock import Clock
from .delivery_rules import (DEFAULT_DAILY_CAP, reason_not_to_send, reminder_starts,
                             validity_seconds, visits)
from .models import OutboundMessage
from .models.messages import FAILED, PENDING, QUEUED, SCHEDULED, SENT
from .optouts import record_opt_out
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
# HTTP call after 10 s to connect and 10 s to read. A batch claims all its texts at once, so it
# calls the provider for a text only within SEND_START_WITHIN of the claim (else it releases the
# claim and the text is sent on its own): every call it makes ends by 5 + 20 = 25 s, inside the
# lease, whatever the batch job's own longer timeout.
LEASE = timedelta(seconds=30)
SEND_START_WITHIN = timedelta(seconds=5)

# What deliver_message did; and RETRY, a text deliver_batch leaves to be sent on its own.
SENT_NOW, ALREADY, GONE, NOT_DUE, RETRY = "sent", "already", "gone", "not_due", "retry"
MESSAGES = OutboundMessage.__table__
# status IN (...) without an expanding parameter, which executemany cannot take.
SENDABLE_ROW = or_(*(MESSAGES.c.status == status for status in SENDABLE))


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
    outcome: str           # sent | already | gone | not_due | skipped | withdrawn | failed | retry
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
    visit = visits(session, [message]).get(message.booking_id)
    ended = reason_not_to_send(session, clock, message, visit, daily_cap)
    if ended is not None:
        return _end(uow, clock, message_id, *ended)
    unsure = message.attempts > 0 and message.error_code in UNKNOWN_OUTCOME
    validity = validity_seconds(message.kind, reminder_starts(message.kind, visit), now)
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
    mark_sent(uow.session, clock.now(), {message_id: sid})
    uow.commit()
    return Delivery(SENT_NOW, sid)


def mark_sent(session, now: datetime, sids: dict[int, str]) -> None:
    rows = [{"m_id": mid, "m_sid": sid} for mid, sid in sids.items()]
    session.execute(
        MESSAGES.update().where(MESSAGES.c.id == bindparam("m_id"),
                                or_(MESSAGES.c.provider_sid.is_(None),
                                    MESSAGES.c.provider_sid == bindparam("m_sid")))
        .values(provider_sid=bindparam("m_sid"), sent_at=now, status_updated_at=now), rows)
    # A status callback may have got here first with a later status: never go back from it.
    session.execute(
        MESSAGES.update().where(MESSAGES.c.id == bindparam("m_id"),
                                SENDABLE_ROW)
        .values(status=SENT, error_code=""), [{"m_id": row["m_id"]} for row in rows])


def is_transient(failure: SendFailed) -> bool:
    if failure.code in PERMANENT_CODES:
        return False
    return (not failure.answered or failure.code in TRANSIENT_CODES
            or failure.http_status == 429 or (failure.http_status or 0) >= 500)


def _after_failure(uow: UnitOfWork, clock: Clock, message_id: int, to: str,
                   failure: SendFailed) -> Delivery:
    code = failure_code(failure)
    if is_transient(failure):
        uow.session.execute(
            update(OutboundMessage).where(OutboundMessage.id == message_id,
                                          OutboundMessage.provider_sid.is_(None))
            .values(error_code=failure_code(failure, transient=True),
                    status_updated_at=clock.now())
            .execution_options(synchronize_session=False))
        uow.commit()
        raise TransientSendError(f"message {message_id}: {failure} ({code})") from failure
    if failure.code == UNSUBSCRIBED:
        record_opt_out(uow.session, clock, to, str(UNSUBSCRIBED))
    return _end(uow, clock, message_id, FAILED, code)


def failure_code(failure: SendFailed, *, transient: bool = False) -> str:
    if transient and not failure.answered:
        return NO_ANSWER
    return (str(failure.code or failure.http_status or "") or NO_ANSWER)[:12]
