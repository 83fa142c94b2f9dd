"""Two prisoners who must never have visits on the same day stay apart however their visitors
race (DESIGN.md, non-associations): each booking locks its prisoner and that prisoner's
non-associates, so the second to arrive sees the first's visit."""
from __future__ import annotations

import time as clock_time
from collections import Counter
from datetime import time

import pytest
from sqlalchemy import func, select

from core import holds
from core.clock import FixedClock
from core.models import ACTIVE_STATES, BOOKED, Booking, VisitSlot
from tests.conftest import NOW
from tests.support.factories import approve, create_prisoner, create_visitor, non_associate

from .test_contention import (BOOKERS, THU_10_DEC, Attempt, _prison_with_sessions, _race,
                              database)  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def _slow_assessment(monkeypatch) -> None:
    """Widen the gap between checking the rules and taking the table, as a loaded server
    would, so the race shows itself on every run rather than now and then."""
    assess = holds.assess

    def slowly(*args, **kwargs):
        assessment = assess(*args, **kwargs)
        clock_time.sleep(0.05)
        return assessment
    monkeypatch.setattr(holds, "assess", slowly)


def test_non_associated_prisoners_never_get_visits_on_the_same_day_however_callers_race(
        backend, database, monkeypatch):
    _slow_assessment(monkeypatch)
    clock = FixedClock(NOW)
    with database() as session:
        prison = _prison_with_sessions(session, clock, open_tables=BOOKERS,
                                       starts=(time(10), time(14)))
        morning, afternoon = session.scalars(select(VisitSlot.id).where(
            VisitSlot.prison_id == prison.id, VisitSlot.date == THU_10_DEC)
            .order_by(VisitSlot.starts_at)).all()
        one = create_prisoner(session, prison, number="N0001AA", vo_balance=BOOKERS)
        other = create_prisoner(session, prison, number="N0002AA", vo_balance=BOOKERS)
        non_associate(session, one, other)
        attempts = []
        for n in range(BOOKERS):
            prisoner, slot_id = (one, morning) if n % 2 else (other, afternoon)
            visitor = create_visitor(session, first_name=f"Caller{n}")
            approve(session, prisoner, visitor, relationship="cousin")
            attempts.append(Attempt(slot_id, prisoner.id, visitor.id))
        session.commit()

    outcomes = _race(database, clock, attempts)

    half = BOOKERS // 2
    assert outcomes == Counter({BOOKED: 1, "prisoner_already_booked": half - 1,
                                "non_association": half})
    with database() as session:
        booked_prisoners = session.scalar(select(func.count(func.distinct(Booking.prisoner_id)))
                                          .where(Booking.status.in_(ACTIVE_STATES)))
        assert booked_prisoners == 1
