"""A request's first database work, tried again across a dropped connection.

When the database restarts (or fails over) every pooled connection dies at once and, for a
second or two, new ones are refused. A text Twilio delivers then is never delivered again, and a
caller mid-step would hear an apology; waiting a few seconds and trying again turns the restart
into a pause. Only work that is whole in itself is retried: a unit of work that failed has rolled
back, so running it again does it once. SQLAlchemy has already thrown away the dead connections
(a disconnect invalidates the whole pool), so the next try connects afresh.

Work is tried again only while nothing it wrote has been committed (or sent for commit) in this
try: a phone step whose use cases had placed a hold or made a booking before the cut is not done
again (it could take a second place), and that caller hears the apology.
"""
from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from typing import Callable, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError

from .uow import WROTE

log = logging.getLogger(__name__)
T = TypeVar("T")
WAIT_SECONDS = 5.0          # a restart's usual length; Twilio waits 15 s for an answer
FIRST_PAUSE_SECONDS = 0.1
LONGEST_PAUSE_SECONDS = 1.0


# This thread's current try: whether it has committed (or begun to commit) a write.
_try: ContextVar[list[bool] | None] = ContextVar("visitline_reconnect_try", default=None)


@event.listens_for(Engine, "commit")
def _committing(connection: Connection) -> None:
    wrote = _try.get()
    if wrote is not None and connection.info.get(WROTE):
        wrote.append(True)


def dropped(error: BaseException) -> bool:
    """The database went away (closed our connection, or refuses new ones), rather than refused
    what we asked: OperationalError is the DB-API's class for both."""
    if isinstance(error, (OperationalError, DisconnectionError)):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def first_work(work: Callable[[], T], *, wait: float = WAIT_SECONDS,
               idempotent: bool = False, sleep: Callable[[float], None] = time.sleep,
               monotonic: Callable[[], float] = time.monotonic) -> T:
    """`work()`, tried again while the connection is lost, for at most `wait` seconds, unless
    that try had committed something it wrote (`idempotent` work, whose second run changes
    nothing the first made, is tried again even then)."""
    deadline = monotonic() + wait
    pause = FIRST_PAUSE_SECONDS
    while True:
        wrote: list[bool] = []
        this_try = _try.set(wrote)
        try:
            return work()
        except Exception as error:
            if (not dropped(error) or (wrote and not idempotent)
                    or monotonic() + pause > deadline):
                raise
            # The class only: a driver's message can quote the statement's values.
            log.warning("database connection lost (%s); trying again in %.1f s",
                        type(getattr(error, "orig", None) or error).__name__, pause)
        finally:
            _try.reset(this_try)
        sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
