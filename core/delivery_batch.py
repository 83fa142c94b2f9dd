"""Sending many texts at once (the batch send job, the in-process sender).

`deliver_batch` sends many texts under the same guards as core.delivery's `deliver_message`
with fewer round trips: one transaction reads them and claims those to send (one guarded UPDATE,
committed durably before any text goes), their provider calls overlap on an executor, and one
transaction records every outcome. What it cannot settle itself (a transient failure, an earlier
attempt whose outcome is unknown, a claim another attempt holds) it returns for sending on its
own through `deliver_message`, so one bad text never re-sends or delays the others.
"""
from __future__ import annotations

import logging
import time as monotonic_time
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select, text

from .clock import Clock
from .delivery import (ALREADY, GONE, IN_FLIGHT, MESSAGES, NOT_DUE, RETRY, SEND_START_WITHIN,
                       SENDABLE, SENDABLE_ROW, SENT_NOW, UNKNOWN_OUTCOME, UNSUBSCRIBED,
                       Delivery, SendFailed, Sender, failure_code, is_transient, mark_sent)
from .delivery_rules import (DEFAULT_DAILY_CAP, midnight, reminder_starts, validity_seconds,
                             visits, why_not)
from .models import PhoneOptOut
from .models.messages import FAILED, SCHEDULED
from .optouts import record_opt_out
from .uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class BatchDelivery:
    outcomes: dict[int, Delivery] = field(default_factory=dict)

    @property
    def retry(self) -> list[int]:
        """Texts to send on their own (deliver_message), with backoff: nothing was decided."""
        return sorted(mid for mid, done in self.outcomes.items() if done.outcome == RETRY)

    def counts(self) -> dict[str, int]:
        return dict(Counter(done.outcome for done in self.outcomes.values()))


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
    found_visits = visits(session, candidates)
    sent_today = Counter(dict(session.execute(
        select(MESSAGES.c.to_phone, func.count()).where(
            MESSAGES.c.to_phone.in_(phones), MESSAGES.c.sent_at >= midnight(clock))
        .group_by(MESSAGES.c.to_phone)).all()))
    ended, chosen = [], []
    for message in candidates:
        visit = found_visits.get(message.booking_id)
        reason = why_not(opted_out=message.to_phone in opted_out, phone=message.to_phone,
                         kind=message.kind, visit=visit, now=now,
                         sent_today=lambda: sent_today[message.to_phone], daily_cap=daily_cap)
        if reason is not None:
            ended.append((message.id, *reason))
            continue
        sent_today[message.to_phone] += 1         # the cap counts this batch's texts too
        chosen.append(_ToSend(message.id, message.to_phone, message.body,
                              validity_seconds(message.kind,
                                               reminder_starts(message.kind, visit), now),
                              message.attempts + 1, message.error_code))
    _end_many(session, now, ended, result)
    won = _claim_many(session, now, chosen)
    uow.commit()        # durable before any text goes: never `synchronous_commit = off` here
    for claim in chosen:
        if claim.message_id not in won:
            result.outcomes[claim.message_id] = Delivery(RETRY, "claimed by another attempt")
    return [claim for claim in chosen if claim.message_id in won]


def _claim_many(session, now: datetime, chosen: list[_ToSend]) -> set[int]:
    """deliver_message's claim for many: each UPDATE is guarded by the attempts read, so of two
    runs racing for a text only one claims it."""
    by_attempts: dict[int, list[int]] = {}
    for claim in chosen:
        by_attempts.setdefault(claim.attempts - 1, []).append(claim.message_id)
    won: set[int] = set()
    for attempts, group in by_attempts.items():
        won.update(session.scalars(
            MESSAGES.update().where(MESSAGES.c.id.in_(group),
                                    MESSAGES.c.provider_sid.is_(None),
                                    SENDABLE_ROW,
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
                                SENDABLE_ROW)
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
            transient.append({"m_id": mid, "m_code": failure_code(answer, transient=True)})
            result.outcomes[mid] = Delivery(RETRY, f"{answer} ({failure_code(answer)})")
        else:
            code = failure_code(answer)
            if answer.code == UNSUBSCRIBED:
                record_opt_out(session, clock, claim.to, str(UNSUBSCRIBED))
            _end_many(session, now, [(mid, FAILED, code)], result)
    if sent:
        mark_sent(session, now, sent)
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
