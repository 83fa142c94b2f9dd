"""A request's first database work, tried again across a dropped connection.

When the database restarts (or fails over) every pooled connection dies at once and, for a
second or two, new ones are refused. A text Twilio delivers then is never delivered again, and a
caller mid-step would hear an apology; waiting a few seconds and trying again turns the restart
into a pause. Only work that is whole in itself is retried: a unit of work that failed has rolled
back, so running it again does it once. SQLAlchemy has already thrown away the dead connections
(a disconnect invalidates the whole pool), so the next try connects afresh.

A phone step's own use cases (between loading the call and keeping its answer) are not retried:
one of them may have committed before the cut (a hold placed, a booking made), and doing them
again could take a second place. A caller whose step is cut off mid-way hears the apology.
"""
from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError

log = logging.getLogger(__name__)
T = TypeVar("T")
WAIT_SECONDS = 5.0          # a restart's usual length; Twilio waits 15 s for an answer
FIRST_PAUSE_SECONDS = 0.1
LONGEST_PAUSE_SECONDS = 1.0


def dropped(error: BaseException) -> bool:
    """The database went away (closed our connection, or refuses new ones), rather than refused
    what we asked: OperationalError is the DB-API's class for both."""
    if isinstance(error, (OperationalError, DisconnectionError)):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def first_work(work: Callable[[], T], *, wait: float = WAIT_SECONDS,
               sleep: Callable[[float], None] = time.sleep,
               monotonic: Callable[[], float] = time.monotonic) -> T:
    """`work()`, tried again while the connection is lost, for at most `wait` seconds."""
    deadline = monotonic() + wait
    pause = FIRST_PAUSE_SECONDS
    while True:
        try:
            return work()
        except Exception as error:
            if not dropped(error) or monotonic() + pause > deadline:
                raise
            # The class only: a driver's message can quote the statement's values.
            log.warning("database connection lost (%s); trying again in %.1f s",
                        type(getattr(error, "orig", None) or error).__name__, pause)
        sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
