"""Joining the waiting list twice at once keeps one entry (DESIGN.md: joining twice keeps one):
joins for one prisoner take turns, so the second finds the first's entry."""
from __future__ import annotations

from collections import Counter
from datetime import time

import pytest
from sqlalchemy import func, select

from core.actor import PHONE, Actor
from core.booking import book_visit
from core.clock import FixedClock
from core.models import VisitSlot, WaitingListEntry
from core.uow import UnitOfWork
from core.waiting_list import join_waiting_list
from tests.conftest import NOW
from tests.support.factories import approve, create_prisoner, create_visitor

from .test_contention import (THU_10_DEC, _prison_with_sessions, all_at_once,  # noqa: F401
                              database)
from .test_contention_non_association import _slow_assessment

pytestmark = pytest.mark.slow
JOINERS = 10


def test_a_prisoners_visitors_joining_the_waiting_list_at_once_make_one_entry(
        backend, database, monkeypatch):
    clock = FixedClock(NOW)
    with database() as session:
        prison = _prison_with_sessions(session, clock, open_tables=1, starts=(time(14),))
        slot_id = session.scalar(select(VisitSlot.id).where(
            VisitSlot.prison_id == prison.id, VisitSlot.date == THU_10_DEC))
        other = create_prisoner(session, prison, number="W0001AA")
        someone = create_visitor(session, first_name="Taken")
        approve(session, other, someone)
        prisoner = create_prisoner(session, prison, number="W0002AA")
        family = [create_visitor(session, first_name=f"Waiting{n}") for n in range(JOINERS)]
        for visitor in family:
            approve(session, prisoner, visitor, relationship="cousin")
        session.commit()
        family_ids = [v.id for v in family]
    with UnitOfWork(database) as uow:                    # the only table goes
        book_visit(uow, clock, slot_id=slot_id, prisoner_id=other.id, visitor_ids=[someone.id],
                   actor=Actor.visitor(someone.id, PHONE))
    _slow_assessment(monkeypatch)

    def join(visitor_id: int) -> str:
        with UnitOfWork(database) as uow:
            join_waiting_list(uow, clock, slot_id=slot_id, prisoner_id=prisoner.id,
                              visitor_ids=[visitor_id], actor=Actor.visitor(visitor_id, PHONE))
        return "joined"

    assert all_at_once(join, family_ids) == Counter({"joined": JOINERS})
    with database() as session:
        assert session.scalar(select(func.count(WaitingListEntry.id)).where(
            WaitingListEntry.prisoner_id == prisoner.id)) == 1
