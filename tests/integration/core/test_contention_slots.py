"""Making a prison's visit slots while the daily visits lists run: the lists hold every prison's
row, then make slots; anyone else making the same prison's slots holds its row first too, so the
two queue rather than deadlock (the database would abort one, and a caller would hear an error)."""
from __future__ import annotations

import threading
import time as clock_time
from datetime import time

import pytest
from sqlalchemy import func, select

from core.clock import FixedClock
from core.models import Prison, VisitSlot
from core.slots import ensure_visit_slots
from tests.conftest import NOW
from tests.support.factories import create_prison, create_template

from .test_contention import database  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_slots_made_while_the_daily_lists_hold_the_prison_are_made_once_without_deadlock(
        backend, database):
    if backend != "postgresql":
        pytest.skip("SQLite takes its write lock at BEGIN: writers cannot interleave there")
    clock = FixedClock(NOW)
    with database() as session:
        prison = create_prison(session, code="LEI", name="HMP Leeds")
        for weekday in range(7):
            create_template(session, prison, weekday=weekday, start=time(14), end=time(16))
        session.commit()
        prison_id = prison.id
    failures: list[str] = []

    def another_caller() -> None:
        with database() as session:
            try:
                ensure_visit_slots(session, session.get(Prison, prison_id), clock)
                session.commit()
            except Exception as error:  # noqa: BLE001 - the finding
                failures.append(type(error).__name__)

    with database() as daily:
        # The daily lists' order: every prison's row, then its slots.
        locked = daily.scalars(select(Prison).order_by(Prison.id).with_for_update()).one()
        caller = threading.Thread(target=another_caller)
        caller.start()
        clock_time.sleep(0.5)          # the caller is now at the prison's row (or, before the
        try:                           # fix, had already written the slots)
            ensure_visit_slots(daily, locked, clock)
            daily.commit()
        except Exception as error:  # noqa: BLE001 - the finding
            failures.append(type(error).__name__)
        caller.join(timeout=30)
    assert failures == []
    with database() as session:
        dates = session.scalar(select(func.count(VisitSlot.id)).where(
            VisitSlot.prison_id == prison_id))
        distinct = session.scalar(select(func.count(func.distinct(VisitSlot.date))).where(
            VisitSlot.prison_id == prison_id))
        assert dates == distinct > 0
