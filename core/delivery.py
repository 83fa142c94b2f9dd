"""Sending one text from the outbox: the use case the send job runs (config.jobs_sms).

Safe to run twice, or twice at once: the message's provider SID in the database is the guard.
Before calling the provider the attempt is claimed (a guarded UPDATE marks it in flight and
commits), so a second run sees it and backs off; a run that finds an earlier attempt whose
outcome is unknown (the worker died, the HTTP call timed out) first asks the provider whether
that text went, and adopts its SID rather than sending again.

Never sent: numbers that opted out, numbers that are not mobiles, a number over its daily cap
(SMS pumping), a text about a visit that no longer applies (stale: a reminder for a visit that
has started, a feedback request for a visit now a no-show or cancelled). Those are 'skipped' or
'withdrawn'. A feedback request's booking is read under a shared row lock held until the text is
claimed, so staff recording a no-show meanwhile either come first (the text is withdrawn here)
or wait, and then find the text in flight (core.attendance: it may have gone).
Failures are classified: transient ones raise TransientSendError so the job retries with
backoff; permanent ones are recorded as 'failed' with the provider's error code.

`deliver_batch` sends many texts under the same guards with fewer round trips: one transaction
reads them and claims those to send (one guarded UPDATE, committed durably before any text goes),
their provider calls overlap on an executor, and one transaction records every outcome. What it
cannot settle itself (a transient failure, an earlier attempt whose outcome is unknown, a claim
another attempt holds) it returns for sending on its own through `deliver_message`, so one bad
text never re-sends or delays the others.
"""
from __future__ import annotations

import logging
import time as monotonic_time
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple, Protocol

from sqlalchemy import bindparam, func, or_, select, text, update

from .clock import LONDON, Clock, at_local
from .models import (ACTIVE_STATES, ATTENDED, BOOKED, Booking, OutboundMessage, PhoneOptOut,
                     VisitSlot)
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
# HTTP call after 10 s to connect and 10 s to read. A batch claims all its texts at once, so it
# calls the provider for a text only within SEND_START_WITHIN of the claim (else it releases the
# claim and the text is sent on its own): every call it makes ends by 5 + 20 = 25 s, inside the
# lease, whatever the batch job's own longer timeout.
LEASE = timedelta(seconds=30)
SEND_START_WITHIN = timedelta(seconds=5)
DEFAULT_DAILY_CAP = 10
# How long the provider may keep trying: a text that would arrive too late is dropped.
VALIDITY_SECONDS = {"offer": 30 * 60}
DEFAULT_VALIDITY_SECONDS = 4 * 3600
# Texts about a booking, and the booking statuses a feedback request still applies to (a no-show
# is not asked for feedback, nor a cancelled visit).
REMINDER, FEEDBACK_REQUEST = "reminder", "feedback_request"
ABOUT_A_VISIT = (REMINDER, FEEDBACK_REQUEST)
ASKED_FOR_FEEDBACK = (BOOKED, ATTENDED)

# What deliver_message did; and RETRY, a text deliver_batch leaves to be sent on its own.
SENT_NOW, ALREADY, GONE, NOT_DUE, RETRY = "sent", "already", "gone", "not_due", "retry"
MESSAGES = OutboundMessage.__table__
# status IN (...) without an expanding parameter, which executemany cannot take.
_SENDABLE_ROW = or_(*(MESSAGES.c.status == status for status in SENDABLE))

log = logging.getLogger(__name__)


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


class Visit(NamedTuple):
    """What a text about a booking needs to know of it when it would go."""
    status: str
    starts_at: datetime


@dataclass(frozen=True)
class Delivery:
    outcome: str           # sent | already | gone | not_due | skipped | withdrawn | failed | retry
    detail: str = ""


@dataclass
class BatchDelivery:
    outcomes: dict[int, Delivery] = field(default_factory=dict)

    @property
    def retry(self) -> list[int]:
        """Texts to send on their own (deliver_message), with backoff: nothing was decided."""
        return sorted(mid for mid, done in self.outcomes.items() if done.outcome == RETRY)

    def counts(self) -> dict[str, int]:
        return dict(Counter(done.outcome for done in self.outcomes.values()))


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
    visit = _visits(session, [message]).get(message.booking_id)
    ended = _reason_not_to_send(session, clock, message, visit, daily_cap)
    if ended is not None:
        return _end(uow, clock, message_id, *ended)
    unsure = message.attempts > 0 and message.error_code in UNKNOWN_OUTCOME
    validity = validity_seconds(message.kind, _reminder_starts(message.kind, visit), now)
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


def _reason_not_to_send(session, clock: Clock, message: OutboundMessage, visit: Visit | None,
                        daily_cap: int) -> tuple[str, str] | None:
    return _why_not(opted_out=is_opted_out(session, message.to_phone), phone=message.to_phone,
                    kind=message.kind, visit=visit, now=clock.now(),
                    sent_today=lambda: _sent_today(session, clock, message.to_phone),
                    daily_cap=daily_cap)


def _why_not(*, opted_out: bool, phone: str, kind: str, visit: Visit | None, now: datetime,
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


def _midnight(clock: Clock) -> datetime:
    return at_local(clock.now().astimezone(LONDON).date(), time(0))


def _sent_today(session, clock: Clock, phone: str) -> int:
    return session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.to_phone == phone, OutboundMessage.sent_at >= _midnight(clock)))


def _stale(kind: str, visit: Visit | None, now: datetime) -> bool:
    """A text about a visit that no longer applies: a reminder once the visit has started or is
    no longer on (cancelled after the reminder fell due), a feedback request once the visit is
    recorded as a no-show or cancelled."""
    if visit is None:
        return False
    if kind == REMINDER:
        return visit.starts_at <= now or visit.status not in ACTIVE_STATES
    return kind == FEEDBACK_REQUEST and visit.status not in ASKED_FOR_FEEDBACK


def _visits(session, messages) -> dict[int, Visit]:
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


def _reminder_starts(kind: str, visit: Visit | None) -> datetime | None:
    return visit.starts_at if kind == REMINDER and visit is not None else None


def validity_seconds(kind: str, starts: datetime | None, now: datetime) -> int:
    """How long the provider may keep trying a text of this kind sent now: a reminder no later
    than its visit's start."""
    seconds = VALIDITY_SECONDS.get(kind, DEFAULT_VALIDITY_SECONDS)
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
    _mark_sent(uow.session, clock.now(), {message_id: sid})
    uow.commit()
    return Delivery(SENT_NOW, sid)


def _mark_sent(session, now: datetime, sids: dict[int, str]) -> None:
    rows = [{"m_id": mid, "m_sid": sid} for mid, sid in sids.items()]
    session.execute(
        MESSAGES.update().where(MESSAGES.c.id == bindparam("m_id"),
                                or_(MESSAGES.c.provider_sid.is_(None),
                                    MESSAGES.c.provider_sid == bindparam("m_sid")))
        .values(provider_sid=bindparam("m_sid"), sent_at=now, status_updated_at=now), rows)
    # A status callback may have got here first with a later status: never go back from it.
    session.execute(
        MESSAGES.update().where(MESSAGES.c.id == bindparam("m_id"),
                                _SENDABLE_ROW)
        .values(status=SENT, error_code=""), [{"m_id": row["m_id"]} for row in rows])


def is_transient(failure: SendFailed) -> bool:
    if failure.code in PERMANENT_CODES:
        return False
    return (not failure.answered or failure.code in TRANSIENT_CODES
            or failure.http_status == 429 or (failure.http_status or 0) >= 500)


def _after_failure(uow: UnitOfWork, clock: Clock, message_id: int, to: str,
                   failure: SendFailed) -> Delivery:
    code = _failure_code(failure)
    if is_transient(failure):
        uow.session.execute(
            update(OutboundMessage).where(OutboundMessage.id == message_id,
                                          OutboundMessage.provider_sid.is_(None))
            .values(error_code=_failure_code(failure, transient=True),
                    status_updated_at=clock.now())
            .execution_options(synchronize_session=False))
        uow.commit()
        raise TransientSendError(f"message {message_id}: {failure} ({code})") from failure
    if failure.code == UNSUBSCRIBED:
        record_opt_out(uow.session, clock, to, str(UNSUBSCRIBED))
    return _end(uow, clock, message_id, FAILED, code)


# Sending many at once (the batch send job, the in-process sender).

@dataclass(frozen=True)
class _ToSend:
    message_id: int
    to: str
    body: str
    validity: int
    attempts: int          # after this claim
    error_code: str        # before it


def deliver_batch(uow: UnitOfWork, clock: Clock, sender: Sender, message_ids: list[int], *,
                  daily_cap: int = DEFAULT_DAILY_CAP,
                  executor: Executor | None = None) -> BatchDelivery:
    """Send these texts under deliver_message's guards: one transaction reads and claims them,
    their provider calls run on `executor` (one after another without one; the sender must be
    safe to call from its threads), one transaction records what happened. Texts it cannot
    settle come back as RETRY, to be sent on their own by deliver_message."""
    result = BatchDelivery()
    ids = sorted({int(mid) for mid in message_ids})
    if not ids:
        return result
    # The lease runs from the time the claim records (read before it), not from its commit.
    claimed_at = monotonic_time.monotonic()
    to_send = _read_and_claim(uow, clock, ids, daily_cap, result)
    if not to_send:
        return result
    answers = _call_provider(sender, to_send, claimed_at, executor)
    _record_batch(uow, clock, to_send, answers, result)
    return result


def _read_and_claim(uow: UnitOfWork, clock: Clock, ids: list[int], daily_cap: int,
                    result: BatchDelivery) -> list[_ToSend]:
    session, now = uow.session, clock.now()
    found = {m.id: m for m in session.execute(select(
        MESSAGES.c.id, MESSAGES.c.status, MESSAGES.c.provider_sid, MESSAGES.c.send_after,
        MESSAGES.c.error_code, MESSAGES.c.attempts, MESSAGES.c.to_phone, MESSAGES.c.body,
        MESSAGES.c.kind, MESSAGES.c.booking_id).where(MESSAGES.c.id.in_(ids)))}
    candidates = []
    for mid in ids:
        message = found.get(mid)
        if message is None:
            result.outcomes[mid] = Delivery(GONE)
        elif message.provider_sid or message.status not in SENDABLE:
            result.outcomes[mid] = Delivery(ALREADY, message.status)
        elif message.status == SCHEDULED and message.send_after > now:
            result.outcomes[mid] = Delivery(NOT_DUE)
        elif message.error_code in UNKNOWN_OUTCOME:
            # Being sent by another attempt, or one whose outcome is unknown: deliver_message
            # waits out its lease and asks the provider before sending again.
            result.outcomes[mid] = Delivery(RETRY, "an earlier attempt's outcome is unknown")
        else:
            candidates.append(message)
    if not candidates:
        return []
    phones = {m.to_phone for m in candidates}
    opted_out = set(session.scalars(select(PhoneOptOut.phone).where(
        PhoneOptOut.phone.in_(phones), PhoneOptOut.opted_out.is_(True))))
    visits = _visits(session, candidates)
    sent_today = Counter(dict(session.execute(
        select(MESSAGES.c.to_phone, func.count()).where(
            MESSAGES.c.to_phone.in_(phones), MESSAGES.c.sent_at >= _midnight(clock))
        .group_by(MESSAGES.c.to_phone)).all()))
    ended, chosen = [], []
    for message in candidates:
        visit = visits.get(message.booking_id)
        reason = _why_not(opted_out=message.to_phone in opted_out, phone=message.to_phone,
                          kind=message.kind, visit=visit, now=now,
                          sent_today=lambda: sent_today[message.to_phone], daily_cap=daily_cap)
        if reason is not None:
            ended.append((message.id, *reason))
            continue
        sent_today[message.to_phone] += 1         # the cap counts this batch's texts too
        chosen.append(_ToSend(message.id, message.to_phone, message.body,
                              validity_seconds(message.kind,
                                               _reminder_starts(message.kind, visit), now),
                              message.attempts + 1, message.error_code))
    _end_many(session, now, ended, result)
    won = _claim_many(session, now, chosen)
    uow.commit()        # durable before any text goes: never `synchronous_commit = off` here
    for claim in chosen:
        if claim.message_id not in won:
            result.outcomes[claim.message_id] = Delivery(RETRY, "claimed by another attempt")
    return [claim for claim in chosen if claim.message_id in won]


def _claim_many(session, now: datetime, chosen: list[_ToSend]) -> set[int]:
    """_claim for many: each UPDATE is guarded by the attempts read, so of two runs racing for a
    text only one claims it."""
    by_attempts: dict[int, list[int]] = {}
    for claim in chosen:
        by_attempts.setdefault(claim.attempts - 1, []).append(claim.message_id)
    won: set[int] = set()
    for attempts, group in by_attempts.items():
        won.update(session.scalars(
            MESSAGES.update().where(MESSAGES.c.id.in_(group),
                                    MESSAGES.c.provider_sid.is_(None),
                                    _SENDABLE_ROW,
                                    MESSAGES.c.attempts == attempts)
            .values(attempts=attempts + 1, error_code=IN_FLIGHT, status_updated_at=now)
            .returning(MESSAGES.c.id)))
    return won


def _end_many(session, now: datetime, ended: list[tuple[int, str, str]],
              result: BatchDelivery) -> None:
    if not ended:
        return
    session.execute(
        MESSAGES.update().where(MESSAGES.c.id == bindparam("m_id"),
                                MESSAGES.c.provider_sid.is_(None),
                                _SENDABLE_ROW)
        .values(status=bindparam("m_status"), error_code=bindparam("m_code"),
                status_updated_at=now),
        [{"m_id": mid, "m_status": status, "m_code": reason[:12]}
         for mid, status, reason in ended])
    for mid, status, reason in ended:
        result.outcomes[mid] = Delivery(status, reason)


# What a provider call in a batch came to.
_NOT_CALLED = "not_called"      # its claim was too old to call the provider safely
_UNKNOWN = "unknown"            # an unexpected error: the text may have gone


def _call_provider(sender: Sender, to_send: list[_ToSend], claimed_at: float,
                   executor: Executor | None) -> list[tuple[str, object]]:
    latest = claimed_at + SEND_START_WITHIN.total_seconds()

    def call(claim: _ToSend) -> tuple[str, object]:
        if monotonic_time.monotonic() > latest:
            return _NOT_CALLED, None
        try:
            return SENT_NOW, sender.send(message_id=claim.message_id, to=claim.to,
                                         body=claim.body, validity_period=claim.validity)
        except SendFailed as failure:
            return FAILED, failure
        except Exception as error:  # noqa: BLE001 - recorded as unknown, checked before a resend
            log.exception("text %s: sending raised", claim.message_id)
            return _UNKNOWN, error

    if executor is None:
        return [call(claim) for claim in to_send]
    futures = [executor.submit(call, claim) for claim in to_send]
    try:
        return [future.result() for future in futures]
    except BaseException:
        # Stopped (the job's time is up): texts not yet begun stay claimed, and go on their own
        # once the lease has run out and the provider says it does not have them.
        for future in futures:
            future.cancel()
        raise


def _record_batch(uow: UnitOfWork, clock: Clock, to_send: list[_ToSend],
                  answers: list[tuple[str, object]], result: BatchDelivery) -> None:
    """One transaction for every outcome. On PostgreSQL it commits without waiting for the WAL
    flush: each text's claim is already durable, so if a database crash loses this commit the
    text is back to 'claimed, outcome unknown', and its next attempt adopts the SID the provider
    has for it (find_sent) rather than sending it again."""
    session, now = uow.session, clock.now()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit = off"))
    sent, transient, released = {}, [], []
    for claim, (kind, answer) in zip(to_send, answers):
        mid = claim.message_id
        if kind == SENT_NOW:
            sent[mid] = answer
            result.outcomes[mid] = Delivery(SENT_NOW, answer)
        elif kind == _NOT_CALLED:
            released.append({"m_id": mid, "m_attempts": claim.attempts,
                             "m_code": claim.error_code})
            result.outcomes[mid] = Delivery(RETRY, "not begun in time")
        elif kind == _UNKNOWN:
            result.outcomes[mid] = Delivery(RETRY, f"outcome unknown: {answer}")
        elif is_transient(answer):
            transient.append({"m_id": mid, "m_code": _failure_code(answer, transient=True)})
            result.outcomes[mid] = Delivery(RETRY, f"{answer} ({_failure_code(answer)})")
        else:
            code = _failure_code(answer)
            if answer.code == UNSUBSCRIBED:
                record_opt_out(session, clock, claim.to, str(UNSUBSCRIBED))
            _end_many(session, now, [(mid, FAILED, code)], result)
    if sent:
        _mark_sent(session, now, sent)
    if transient:
        session.execute(
            MESSAGES.update().where(MESSAGES.c.id == bindparam("m_id"),
                                    MESSAGES.c.provider_sid.is_(None))
            .values(error_code=bindparam("m_code"), status_updated_at=now), transient)
    if released:
        # Never handed to the provider: back as it was before the claim, sendable at once.
        session.execute(
            MESSAGES.update().where(MESSAGES.c.id == bindparam("m_id"),
                                    MESSAGES.c.attempts == bindparam("m_attempts"),
                                    MESSAGES.c.error_code == IN_FLIGHT)
            .values(error_code=bindparam("m_code"), status_updated_at=now), released)
    uow.commit()


def _failure_code(failure: SendFailed, *, transient: bool = False) -> str:
    if transient and not failure.answered:
        return NO_ANSWER
    return (str(failure.code or failure.http_status or "") or NO_ANSWER)[:12]
