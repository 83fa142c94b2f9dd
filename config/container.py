"""Everything the adapters need, built once from settings and handed down (no module globals)."""
from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock, SystemClock
from core.ports import MessagesReady, NoNotifier, PinHasher
from core.uow import UnitOfWork

from .db import make_calls_connection, make_engine, make_session_factory
from .hashing import Argon2Hasher
from .relay import Relay, RelayNotifier
from .settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    hasher: PinHasher = field(default_factory=Argon2Hasher)
    notifier: MessagesReady = field(default_factory=NoNotifier)
    relay: Relay | None = None      # hands outbox rows to the sender (config.relay)
    # Connections for phone calls' progress (config.db.make_calls_connection). Unset, a unit of
    # work's session lends its own: the tests' run inside one transaction.
    calls_connection: Callable[[], AbstractContextManager[Connection]] | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.notifier)

    def session(self) -> Session:
        return self.session_factory()

    @contextmanager
    def calls(self) -> Iterator[Connection]:
        """A connection for phone calls' progress (core.conversation), committed when done."""
        if self.calls_connection is not None:
            with self.calls_connection() as connection:
                yield connection
            return
        with self.session_factory() as session:
            yield session.connection()
            session.commit()


def build(settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None,
          notifier: MessagesReady | None = None) -> Container:
    engine = engine or make_engine(settings.database_url)
    container = Container(settings=settings, engine=engine,
                          session_factory=make_session_factory(engine),
                          calls_connection=make_calls_connection(engine),
                          clock=clock or SystemClock())
    if settings.redis_url:
        # Texts go to RQ after each commit; without Redis, config.inprocess wires its own.
        from .queueing import RqDispatch, job_queue, redis_connection
        container.relay = Relay(container.session_factory, container.clock,
                                RqDispatch(job_queue(redis_connection(settings.redis_url))))
        container.notifier = RelayNotifier(container.relay)
    if notifier is not None:
        container.notifier = notifier
    return container
