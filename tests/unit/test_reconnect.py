"""core.reconnect.first_work on plain functions: no database, a fake clock."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from core.reconnect import first_work


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _dropped() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("server closed the connection"))


def _failing(times: int, error=_dropped):
    calls = []

    def work():
        calls.append(1)
        if len(calls) <= times:
            raise error()
        return "done"
    return work, calls


def test_work_is_tried_again_while_the_connection_is_lost():
    clock = FakeTime()
    work, calls = _failing(3)
    assert first_work(work, sleep=clock.sleep, monotonic=lambda: clock.now) == "done"
    assert len(calls) == 4
    assert clock.slept == [0.1, 0.2, 0.4]


def test_the_wait_is_bounded():
    clock = FakeTime()
    work, calls = _failing(1000)
    with pytest.raises(OperationalError):
        first_work(work, wait=5.0, sleep=clock.sleep, monotonic=lambda: clock.now)
    assert clock.now <= 5.0
    assert 5 < len(calls) < 20


def test_an_error_in_what_was_asked_is_not_tried_again():
    clock = FakeTime()
    work, calls = _failing(1, lambda: IntegrityError("INSERT", {}, Exception("duplicate")))
    with pytest.raises(IntegrityError):
        first_work(work, sleep=clock.sleep, monotonic=lambda: clock.now)
    assert len(calls) == 1 and clock.slept == []


@pytest.mark.parametrize("statement, tries", [("SELECT 1", 2), ("CREATE TABLE t (x INTEGER)", 1)])
def test_work_that_committed_a_write_is_not_done_again(statement, tries):
    """A step that had, say, placed a hold before the cut would take a second place if redone.
    (An in-memory SQLite stands in for the database: only the commit is looked at.)"""
    engine = create_engine("sqlite://")
    clock = FakeTime()
    calls = []

    def work():
        calls.append(1)
        with engine.begin() as connection:
            connection.execute(text(statement))
        if len(calls) == 1:
            raise _dropped()
        return "done"
    if tries == 1:
        with pytest.raises(OperationalError):
            first_work(work, sleep=clock.sleep, monotonic=lambda: clock.now)
    else:
        assert first_work(work, sleep=clock.sleep, monotonic=lambda: clock.now) == "done"
    assert len(calls) == tries
    engine.dispose()


def test_idempotent_work_is_done_again_even_after_committing_a_write():
    engine = create_engine("sqlite://")
    clock = FakeTime()
    calls = []

    def work():
        calls.append(1)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        if len(calls) == 1:
            raise _dropped()
        return "done"
    assert first_work(work, idempotent=True, sleep=clock.sleep,
                      monotonic=lambda: clock.now) == "done"
    assert len(calls) == 2
    engine.dispose()
