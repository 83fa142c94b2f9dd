"""Capacity is never exceeded, however many callers race (DESIGN.md): 50 bookers released
together, each on its own connection, against a real committed database on both backends."""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, time

import pytest
from sqlalchemy import func, select

from config.db import make_engine, make_session_factory
from core.actor import PHONE, Actor
from core.booking import book_visit
from core.clock import FixedClock
from core.errors import Refused
from core.models import ACTIVE_STATES, BOOKED, Booking, Prisoner, VisitSlot
from core.slots import ensure_visit_slots
from core.uow import UnitOfWork
from tests.conftest import NOW
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor)

pytestmark = pytest.mark.slow

BOOKERS = 50
THU_10_DEC = date(2026, 12, 10)


@dataclass(frozen=True)
class Attempt:
    slot_id: int
    prisoner_id: int
    visitor_id: int


@pytest.fixture
def database(databases, backend):
    """A fresh migrated database with real commits, and an engine with a connection per booker."""
    engine = make_engine(databases.fresh_url(backend), pool_size=BOOKERS + 2, max_overflow=0)
    yield make_session_factory(engine)
    engine.dispose()


def all_at_once(work, items: list) -> Counter:
    """Run work(item) for every item, each on its own thread, all released together; what each
    said: its return value, the refusal's reason, or any other failure (the test's finding)."""
    barrier = threading.Barrier(len(items))
    outcomes: list[str] = []

    def one(item) -> None:
        barrier.wait()
        try:
            outcomes.append(work(item))
        except Refused as refused:
            outcomes.append(refused.reason)
        except Exception as error:  # noqa: BLE001 - any other failure is the test's finding
            outcomes.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def _race(session_factory, clock, attempts: list[Attempt]) -> Counter:
    """Release every attempt at once; what each was told ("booked" or the refusal reason)."""
    def attempt_booking(attempt: Attempt) -> str:
        with UnitOfWork(session_factory) as uow:
            book_visit(uow, clock, slot_id=attempt.slot_id, prisoner_id=attempt.prisoner_id,
                       visitor_ids=[attempt.visitor_id],
                       actor=Actor.visitor(attempt.visitor_id, PHONE))
        return BOOKED

    return all_at_once(attempt_booking, attempts)


def _prison_with_sessions(session, clock, *, open_tables: int, starts=(time(14),)):
    prison = create_prison(session, code="RACE", name="HMP Race")
    for weekday in range(7):
        for start in starts:
            create_template(session, prison, weekday=weekday, start=start,
                            end=time(start.hour + 1, 30), open_tables=open_tables,
                            closed_tables=0)
    ensure_visit_slots(session, prison, clock)
    return prison


def _one_slot_many_prisoners(session_factory, clock, open_tables: int):
    """One session; 50 prisoners, each with a visitor of their own wanting it."""
    with session_factory() as session:
        prison = _prison_with_sessions(session, clock, open_tables=open_tables)
        slot_id = session.scalar(select(VisitSlot.id).where(VisitSlot.prison_id == prison.id,
                                                            VisitSlot.date == THU_10_DEC))
        attempts = []
        for n in range(BOOKERS):
            prisoner = create_prisoner(session, prison, number=f"R{n:04d}AA", vo_balance=2)
            visitor = create_visitor(session, first_name=f"Racer{n}")
            approve(session, prisoner, visitor)
            attempts.append(Attempt(slot_id, prisoner.id, visitor.id))
        session.commit()
    return slot_id, attempts


@pytest.mark.parametrize("tables", [1, 10])
def test_capacity_is_never_exceeded_however_many_callers_race(backend, database, tables):
    clock = FixedClock(NOW)
    slot_id, attempts = _one_slot_many_prisoners(database, clock, tables)
    outcomes = _race(database, clock, attempts)
    assert outcomes == Counter({BOOKED: tables, "slot_full": BOOKERS - tables})
    with database() as session:
        slot = session.get(VisitSlot, slot_id)
        booked_tables = session.scalar(select(func.sum(Booking.tables)).where(
            Booking.slot_id == slot_id, Booking.status.in_(ACTIVE_STATES)))
        assert slot.open_taken == booked_tables == tables


def test_a_prisoners_visiting_orders_are_never_overspent(backend, database):
    clock = FixedClock(NOW)
    with database() as session:
        prison = _prison_with_sessions(session, clock, open_tables=5, starts=(time(10), time(14)))
        prisoner = create_prisoner(session, prison, number="V0001AA", vo_balance=5)
        slot_ids = session.scalars(select(VisitSlot.id).where(
            VisitSlot.prison_id == prison.id, VisitSlot.date >= date(2026, 12, 3))
            .order_by(VisitSlot.starts_at)).all()[:BOOKERS]
        attempts = []
        for n, slot_id in enumerate(slot_ids):
            visitor = create_visitor(session, first_name=f"Friend{n}")
            approve(session, prisoner, visitor, relationship="friend")
            attempts.append(Attempt(slot_id, prisoner.id, visitor.id))
        session.commit()
    assert len(attempts) == BOOKERS
    outcomes = _race(database, clock, attempts)
    assert outcomes == Counter({BOOKED: 5, "no_vo_left": BOOKERS - 5})
    with database() as session:
        assert session.get(Prisoner, prisoner.id).vo_balance == 0
        taken = session.scalar(select(func.sum(VisitSlot.open_taken)).where(
            VisitSlot.id.in_(slot_ids)))
        active = session.scalar(select(func.count(Booking.id)).where(
            Booking.prisoner_id == prisoner.id, Booking.status.in_(ACTIVE_STATES),
            Booking.uses_vo.is_(True)))
        assert taken == active == 5


def test_a_prisoner_gets_one_visit_in_a_session_however_many_visitors_race(backend, database):
    clock = FixedClock(NOW)
    with database() as session:
        prison = _prison_with_sessions(session, clock, open_tables=BOOKERS)
        slot_id = session.scalar(select(VisitSlot.id).where(VisitSlot.prison_id == prison.id,
                                                            VisitSlot.date == THU_10_DEC))
        prisoner = create_prisoner(session, prison, number="S0001AA", vo_balance=BOOKERS)
        attempts = []
        for n in range(BOOKERS):
            visitor = create_visitor(session, first_name=f"Relative{n}")
            approve(session, prisoner, visitor, relationship="cousin")
            attempts.append(Attempt(slot_id, prisoner.id, visitor.id))
        session.commit()
    outcomes = _race(database, clock, attempts)
    assert outcomes == Counter({BOOKED: 1, "prisoner_already_booked": BOOKERS - 1})
    with database() as session:
        assert session.get(VisitSlot, slot_id).open_taken == 1
        assert session.get(Prisoner, prisoner.id).vo_balance == BOOKERS - 1
