"""Unit of work: one transaction; rolled back unless committed; tells who waits after commit.

A unit of work that only read is ended with COMMIT rather than ROLLBACK: the two mean the same
to the database, but psycopg drops every statement it has prepared on the connection after a
ROLLBACK, so each read-only step (most of a phone call's) would have its queries planned again.
Anything written, flushed or left pending is still rolled back."""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from .ports import MessagesReady, NoNotifier

log = logging.getLogger(__name__)


class UnitOfWork:
    def __init__(self, session_factory: Callable[[], Session],
                 notifier: MessagesReady | None = None):
        self._session_factory = session_factory
        self.notifier = notifier or NoNotifier()
        self.session: Session | None = None
        self._ready: list[int] = []

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self._ready = []
        return self

    def __exit__(self, exc_type, *exc) -> None:
        try:
            if exc_type is None and _only_read(self.session):
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    def message_written(self, message_id: int) -> None:
        """Core calls this for each outbox row due now; the notifier hears after commit."""
        self._ready.append(message_id)

    def commit(self) -> None:
        self.session.commit()
        ready, self._ready = self._ready, []
        if ready:
            # Sending must never undo a committed change: a failed hand-off leaves the row
            # pending for the relay to pick up.
            try:
                self.notifier.messages_ready(ready)
            except Exception:  # noqa: BLE001 - the outbox relay is the safety net
                log.exception("could not hand messages %s to the sender; the relay will", ready)

    def rollback(self) -> None:
        self.session.rollback()
        self._ready = []



WROTE = "visitline.wrote"
# Statements that neither change data nor end the transaction in a way a COMMIT would alter.
_READS = ("SELECT", "BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _only_read(session: Session) -> bool:
    if session.new or session.dirty or session.deleted:
        return False
    return not session.in_transaction() or not session.connection().info.get(WROTE)


@event.listens_for(Engine, "begin")
def _transaction_began(connection: Connection) -> None:
    connection.info.pop(WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _statement_sent(connection: Connection, _cursor, statement: str, _parameters, _context,
                    _executemany) -> None:
    # Every statement, whichever way it was sent (ORM flush, session.execute or a connection's
    # own execute), comes through here: anything but a read marks the transaction as written.
    # Only the start is looked at (a statement can be a long batch); several statements in one
    # string count as a write, whatever the first one is.
    if not statement[:40].lstrip().upper().startswith(_READS) or ";" in statement.rstrip("; \n"):
        connection.info[WROTE] = True
