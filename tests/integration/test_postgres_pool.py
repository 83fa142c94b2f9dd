"""The PostgreSQL pool: a connection per web thread, and a connection that sat idle is checked
before use, so one whose server went away (a restart) is replaced rather than failing a call."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from config import db
from config.db import POOL_SIZE, make_calls_connection, make_engine
from tests.unit.test_procfile import _option, _processes


def _backend(connection) -> int:
    return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def _end_server_process(postgres_url: str, pid: int) -> None:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


@pytest.fixture
def engine(postgres_url):
    engine = make_engine(postgres_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def test_the_pool_holds_a_connection_for_every_web_thread():
    assert POOL_SIZE >= int(_option(_processes()["web"], "--threads"))


def test_a_connection_whose_server_went_away_while_it_sat_idle_is_replaced(
        engine, postgres_url, monkeypatch):
    monkeypatch.setattr(db, "PING_WHEN_IDLE_SECONDS", 0.0)
    with engine.connect() as connection:
        gone = _backend(connection)
    _end_server_process(postgres_url, gone)
    with engine.connect() as connection:
        assert _backend(connection) != gone


def test_a_connection_used_a_moment_ago_is_not_pinged_and_the_pool_recovers_if_it_was_lost(
        engine, postgres_url):
    with engine.connect() as connection:
        gone = _backend(connection)
    _end_server_process(postgres_url, gone)
    with pytest.raises(DBAPIError) as lost, engine.connect() as connection:
        _backend(connection)
    assert lost.value.connection_invalidated
    with engine.connect() as connection:
        assert _backend(connection) != gone


def test_calls_progress_connections_are_in_autocommit_and_transactional_again_after(engine):
    calls = make_calls_connection(engine)
    with calls() as connection:
        connection.execute(text("SELECT 1"))
        assert connection.connection.dbapi_connection.autocommit is True
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False
