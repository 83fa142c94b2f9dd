"""Unit of work: one transaction; rolled back unless committed; tells who waits after commit."""
from __future__ import annotations

import logging
from typing import Callable

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

    def __exit__(self, *exc) -> None:
        try:
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
