"""The outbox relay: texts the core wrote (pending, or scheduled and now due) are handed to the
sender after their change commits, and marked 'queued'.

The database is the source of truth. Rows are claimed in a short transaction (on PostgreSQL with
FOR UPDATE SKIP LOCKED, so two relays never take the same row; on SQLite the write lock taken
at BEGIN does the same), handed on, then marked queued in that transaction. If the hand-off
fails (Redis down) the transaction rolls back and the rows wait for the next pass. A queued row
whose job has vanished (a Redis flush) is handed on again. A row handed on twice still sends
once: the send job guards by the message's state and provider SID, and the job id is the same.

Many rows handed on at once go in batches of SEND_BATCH, one send job each (config.jobs_sms);
a lone row gets a send job of its own, as a text a caller's change wrote usually is.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Callable, Iterable, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.clock import Clock
from core.models import OutboundMessage
from core.models.messages import PENDING, QUEUED, SCHEDULED

log = logging.getLogger(__name__)
BATCH = 1000            # rows claimed per relay transaction
SEND_BATCH = 50         # texts per send job


class Dispatch(Protocol):
    """Where a claimed message goes: an RQ queue, or the in-process sender."""

    def dispatch(self, message_ids: list[int]) -> None: ...

    def lost(self, message_ids: list[int]) -> list[int]:
        """Of these queued messages, those the sender no longer knows about."""


def send_job_id(message_id: int) -> str:
    return f"send-{message_id}"


def batch_job_id(message_ids: list[int]) -> str:
    """The same texts always make the same id: `send-batch-<first>-<count>-<digest>`."""
    ids = sorted(message_ids)
    digest = hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:12]
    return f"send-batch-{ids[0]}-{len(ids)}-{digest}"


def in_batches(message_ids: list[int], size: int = SEND_BATCH) -> list[list[int]]:
    return [sorted(message_ids[i:i + size]) for i in range(0, len(message_ids), size)]


class Relay:
    def __init__(self, session_factory: Callable[[], Session], clock: Clock, dispatch: Dispatch):
        self._session_factory = session_factory
        self._clock = clock
        self._dispatch = dispatch

    def relay_due(self) -> int:
        """Hand on every message due now, batch by batch. Returns how many."""
        total = 0
        while True:
            handed = self._claim_and_dispatch(None)
            total += handed
            if handed < BATCH:
                return total

    def relay_ids(self, message_ids: Iterable[int]) -> int:
        """Hand on these messages (just committed) if still waiting; the rest are left alone."""
        ids = sorted(set(message_ids))
        return sum(self._claim_and_dispatch(ids[i:i + BATCH]) for i in range(0, len(ids), BATCH))

    def requeue_lost(self) -> int:
        """Queued messages whose job is gone (e.g. Redis was flushed) are handed on again."""
        with self._session_factory() as session:
            queued = list(session.scalars(select(OutboundMessage.id).where(
                OutboundMessage.status == QUEUED).order_by(OutboundMessage.id)))
        lost = [mid for i in range(0, len(queued), BATCH)
                for mid in self._dispatch.lost(queued[i:i + BATCH])]
        if lost:
            log.warning("requeueing %d queued messages whose jobs were lost", len(lost))
            for i in range(0, len(lost), BATCH):
                self._dispatch.dispatch(lost[i:i + BATCH])
        return len(lost)

    def _claim_and_dispatch(self, ids: list[int] | None) -> int:
        now = self._clock.now()
        with self._session_factory() as session:
            with session.begin():
                query = (select(OutboundMessage.id)
                         .where(OutboundMessage.status.in_((PENDING, SCHEDULED)),
                                OutboundMessage.send_after <= now)
                         .order_by(OutboundMessage.send_after, OutboundMessage.id)
                         .limit(BATCH).with_for_update(skip_locked=True))
                if ids is not None:
                    query = query.where(OutboundMessage.id.in_(ids))
                claimed = list(session.scalars(query))
                if not claimed:
                    return 0
                # Handed on before the commit: if this raises, nothing is marked queued.
                self._dispatch.dispatch(claimed)
                session.execute(update(OutboundMessage)
                                .where(OutboundMessage.id.in_(claimed))
                                .values(status=QUEUED, status_updated_at=now)
                                .execution_options(synchronize_session=False))
        return len(claimed)


class RelayNotifier:
    """core's MessagesReady port: after a change commits, its texts go straight to the relay.
    A failure here never undoes the change (core.uow logs it); the periodic pass retries."""

    def __init__(self, relay: Relay):
        self._relay = relay

    def messages_ready(self, message_ids: list[int]) -> None:
        self._relay.relay_ids(message_ids)
