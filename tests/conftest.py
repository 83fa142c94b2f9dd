"""Fixtures for every tier: databases (SQLite file and PostgreSQL), a fixed clock, factories."""
from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from config.db import make_engine
from config.hashing import Argon2Hasher
from config.migrate import upgrade
from core.clock import FixedClock
from core.uow import UnitOfWork

from .support.fakes import RecordingNotifier
from .support.services import find_postgres, find_redis

BACKENDS = ("sqlite", "postgresql")
# Tuesday 1 December 2026, 10:00 in London: every test's "now" unless it moves the clock.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def pytest_report_header(config):
    lines = []
    for finder in (find_postgres, find_redis):
        lines.append(f"visitline tests use {finder()[1]}")
    return lines


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return find_postgres()[0]


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis database of this run's own (1-15), claimed with a lock key, flushed at start."""
    import redis
    base = find_redis()[0].rsplit("/", 1)[0]
    for index in range(1, 16):
        connection = redis.Redis.from_url(f"{base}/{index}")
        if connection.set("visitline-test-claim", os.getpid(), nx=True, ex=3600):
            connection.flushdb()
            connection.set("visitline-test-claim", os.getpid(), ex=3600)
            yield f"{base}/{index}"
            connection.delete("visitline-test-claim")
            return
    raise RuntimeError("every Redis database 1-15 is claimed by another test run")


def _worker() -> str:
    # Several test runs may share one PostgreSQL server: the pid keeps their databases apart.
    return f'{os.environ.get("PYTEST_XDIST_WORKER", "main")}_{os.getpid()}'


class Databases:
    """Makes migrated databases: one shared per backend for the session, fresh ones on demand."""

    def __init__(self, tmp_path_factory, postgres_url_getter):
        self._tmp = tmp_path_factory
        self._pg = postgres_url_getter
        self._shared: dict[str, object] = {}
        self._made: list[tuple[str, str]] = []
        self._count = 0

    def shared(self, backend: str):
        if backend not in self._shared:
            self._shared[backend] = make_engine(self.fresh_url(backend))
        return self._shared[backend]

    def fresh_url(self, backend: str) -> str:
        self._count += 1
        name = f"visitline_{_worker()}_{self._count}"
        if backend == "sqlite":
            url = f"sqlite:///{self._tmp.mktemp('db') / (name + '.sqlite')}"
        else:
            admin_url = self._pg()
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            self._made.append((admin_url, name))
        upgrade(url)
        return url

    def drop_all(self):
        for engine in self._shared.values():
            engine.dispose()
        for admin_url, name in self._made:
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory, request):
    dbs = Databases(tmp_path_factory, lambda: request.getfixturevalue("postgres_url"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def engine(databases, backend):
    return databases.shared(backend)


@pytest.fixture
def session_factory(engine):
    """Sessions inside one outer transaction, rolled back after the test: use cases commit
    SAVEPOINTs, so the suite stays fast on PostgreSQL."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, expire_on_commit=False,
                           join_transaction_mode="create_savepoint")
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture
def session(session_factory) -> Session:
    with session_factory() as s:
        yield s


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def uow_factory(session_factory, notifier):
    return lambda: UnitOfWork(session_factory, notifier)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def hasher() -> Argon2Hasher:
    return Argon2Hasher()
