"""Engines and sessions. SQLite is a real embedded database here: WAL, a busy timeout, and
write transactions that take the write lock up front so concurrent callers queue instead of
failing with "database is locked" (DESIGN.md)."""
from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
import time
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 10
PING_WHEN_IDLE_SECONDS = 5.0


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    # At least one connection per web worker thread (the Procfile runs 8): with fewer, threads
    # beyond the pool open and close a connection per request, each a new server process.
    kwargs.setdefault("pool_size", POOL_SIZE)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """A pooled connection is pinged before use only when it has sat idle a while; if the server
    no longer answers (after a restart, say), the whole pool is replaced. pool_pre_ping would ping on every
    checkout: a round trip more for every step of every call, to find out what a connection
    used a moment ago already showed."""
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_WHEN_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The server went away (a restart, a failover): every pooled connection is as dead
            # as this one, including those used a moment ago that would not be pinged.
            raise InvalidatePoolError("pooled connection no longer answers") from error


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def make_calls_connection(engine: Engine) -> Callable[[], AbstractContextManager[Connection]]:
    """Connections for phone calls' progress, whose statements each stand alone
    (core.conversation): on PostgreSQL in autocommit, from the same pool, so a turn pays no
    BEGIN or COMMIT round trip. SQLite keeps its transaction, committed when the work is done
    (one statement there cannot write two tables)."""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def calls() -> Iterator[Connection]:
        with engine.connect() as connection:
            yield connection
            connection.commit()
    return calls


def _sqlite_engine(url: str, **kwargs) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                              "check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # pysqlite's own transaction handling would BEGIN lazily (deferred); turn it off and
        # begin ourselves below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Take the write lock at the start: a deferred BEGIN that reads then writes fails with
        # "database is locked" whatever the busy timeout, when another writer committed between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
