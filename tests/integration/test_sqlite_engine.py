"""SQLite is a real embedded database here: WAL, a busy timeout, foreign keys, and write
transactions that take the write lock when they begin (DESIGN.md, hard-won facts)."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text

from config.db import SQLITE_BUSY_TIMEOUT_MS, make_engine


@pytest.fixture
def sqlite_file(tmp_path):
    path = tmp_path / "nested" / "visitline.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield engine, path
    engine.dispose()


def test_the_sqlite_engine_uses_wal_a_busy_timeout_and_foreign_keys(sqlite_file):
    engine, path = sqlite_file
    with engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS >= 5000
        assert pragma("foreign_keys") == 1
    assert path.exists()  # the folder was made for it


def test_a_transaction_takes_the_write_lock_when_it_begins(sqlite_file):
    engine, path = sqlite_file
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT n FROM counter")).scalar()  # only a read so far
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the transaction ends
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_transaction_that_reads_then_writes_waits_for_another_writer(sqlite_file):
    """The deferred-BEGIN failure: B reads, A writes and commits, B writes -> "database is
    locked". With the lock taken at BEGIN, A waits (busy timeout) until B commits."""
    engine, _ = sqlite_file
    errors: list[Exception] = []

    def increment():
        try:
            with engine.begin() as connection:
                connection.execute(text("UPDATE counter SET n = n + 1"))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    with engine.begin() as connection:
        n = connection.execute(text("SELECT n FROM counter")).scalar()
        writer = threading.Thread(target=increment)
        writer.start()
        connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
    writer.join()
    assert errors == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar() == 2


def test_pysqlite_does_not_begin_transactions_of_its_own(sqlite_file):
    engine, _ = sqlite_file
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.isolation_level is None
