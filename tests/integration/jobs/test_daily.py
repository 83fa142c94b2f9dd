"""The daily job (config.jobs.daily, run by the RQ worker's loop and by the in-process runner):
tomorrow's visits lists prepared once however often it runs, the state of calls ended or
abandoned over a day ago forgotten, old failed staff sign-ins forgotten, and signed-out staff
sessions forgotten once past their expiry."""
from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import jobs
from config.container import build
from config.db import make_engine
from core.actor import Actor
from core.booking import book_visit
from core.models import AuditEvent, CallState, CallStepReply, VisitSlot
from core.models.records import EndedStaffSession, SignInFailure, StaffUser
from core.slots import ensure_visit_slots
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor)

from .conftest import line_settings

WED_2_DEC = date(2026, 12, 2)
EARLY_ON_1_DEC = datetime(2026, 12, 1, 5, 30, tzinfo=timezone.utc)


@pytest.fixture
def line(db_url, clock, tmp_path):
    """The line without Redis; config.jobs runs with it."""
    container = build(line_settings(db_url, None, "http://127.0.0.1:9", tmp_path), clock=clock,
                      engine=make_engine(db_url))
    jobs.use(container)
    yield container
    container.engine.dispose()


@pytest.fixture
def booked_tomorrow(line, clock):
    """Leeds and Cardiff, and one visit at Leeds on Wednesday 2 December (booked a week
    before); the clock then stands early on the 1st, when the daily job runs."""
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    with Session(line.engine, expire_on_commit=False) as session:
        leeds, cardiff = (create_prison(session, code=code, name=name) for code, name in
                          (("LEI", "HMP Leeds"), ("CFI", "HMP Cardiff")))
        for prison in (leeds, cardiff):
            for weekday in range(7):
                create_template(session, prison, weekday=weekday, start=time(14),
                                end=time(16))
        prisoner = create_prisoner(session, leeds, number="A1234BC")
        lead = create_visitor(session, first_name="Sam", phone="+447400123456")
        approve(session, prisoner, lead)
        ensure_visit_slots(session, leeds, clock)
        session.commit()
        slot_id = session.scalar(select(VisitSlot.id).where(VisitSlot.prison_id == leeds.id,
                                                            VisitSlot.date == WED_2_DEC))
    with line.uow() as uow:
        book_visit(uow, clock, slot_id=slot_id, prisoner_id=prisoner.id, visitor_ids=[lead.id],
                   actor=Actor.visitor(lead.id, "phone"))
    clock.set(EARLY_ON_1_DEC)


def _prepared(line) -> list[dict]:
    with Session(line.engine) as session:
        return [e.after for e in session.scalars(select(AuditEvent).where(
            AuditEvent.action == "visits_list_prepared").order_by(AuditEvent.id))]


def test_the_daily_job_run_twice_prepares_each_list_once(backend, line, booked_tomorrow):
    first = jobs.daily()
    assert first["visits_lists"] == {"LEI": 1, "CFI": 0}
    second = jobs.daily()                    # e.g. the in-process runner after a restart
    assert second["visits_lists"] == {}
    assert _prepared(line) == [{"day": "2026-12-02", "visits": 1, "visitors": 1},
                               {"day": "2026-12-02", "visits": 0, "visitors": 0}]


def test_two_daily_jobs_at_once_prepare_each_list_once(backend, line, booked_tomorrow):
    start, done = threading.Barrier(2), []

    def run() -> None:
        start.wait()
        done.append(jobs.prepare_visits_lists())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(done, key=len) == [{}, {"LEI": 1, "CFI": 0}]
    assert len(_prepared(line)) == 2


def test_the_next_day_the_daily_job_prepares_the_next_days_lists(backend, line, clock,
                                                                 booked_tomorrow):
    jobs.daily()
    clock.advance(days=1)
    assert jobs.daily()["visits_lists"] == {"LEI": 0, "CFI": 0}
    assert [after["day"] for after in _prepared(line)] == ["2026-12-02", "2026-12-02",
                                                           "2026-12-03", "2026-12-03"]


def _call(session, call_sid: str, updated_at: datetime, *, ended: bool = False) -> None:
    session.add(CallState(call_sid=call_sid, from_phone="+447400123456",
                          data={} if ended else {"turn": 3, "visitor_id": 1},
                          created_at=updated_at, updated_at=updated_at,
                          ended_at=updated_at if ended else None))
    session.add(CallStepReply(call_sid=call_sid, step_key="menu", reply="<Response/>",
                              created_at=updated_at))


def test_the_daily_job_forgets_stale_calls_and_keeps_recent_ones(backend, line, clock):
    with Session(line.engine) as session:
        _call(session, "CAabandoned", clock.now() - timedelta(hours=25))   # never hung up
        _call(session, "CAended", clock.now() - timedelta(days=2), ended=True)
        _call(session, "CAongoing", clock.now() - timedelta(minutes=3))
        _call(session, "CAjustended", clock.now() - timedelta(hours=2), ended=True)
        session.commit()

    assert jobs.daily()["calls_forgotten"] == 2

    with Session(line.engine) as session:
        assert sorted(session.scalars(select(CallState.call_sid))) == ["CAjustended",
                                                                       "CAongoing"]
        assert sorted(session.scalars(select(CallStepReply.call_sid))) == ["CAjustended",
                                                                           "CAongoing"]
    assert jobs.daily()["calls_forgotten"] == 0


def test_the_daily_job_forgets_failed_sign_ins_after_a_day(backend, line, clock):
    with Session(line.engine) as session:
        for hours in (25, 23):
            session.add(SignInFailure(at=clock.now() - timedelta(hours=hours),
                                      username="leeds", client_address="198.51.100.1"))
        session.commit()
    assert jobs.daily()["sign_in_failures_forgotten"] == 1
    with Session(line.engine) as session:
        assert session.scalar(select(func.count(SignInFailure.id))) == 1


def test_the_daily_job_forgets_signed_out_sessions_past_their_expiry(backend, line, clock):
    with Session(line.engine) as session:
        staff = StaffUser(username="leeds", password_hash="-", role="staff")
        session.add(staff)
        session.flush()
        for sid, expires in (("lapsed", -1), ("live", 1)):
            session.add(EndedStaffSession(session_id=sid, staff_id=staff.id,
                                          expires_at=clock.now() + timedelta(minutes=expires)))
        session.commit()
    assert jobs.daily()["staff_sessions_forgotten"] == 1
    with Session(line.engine) as session:
        assert list(session.scalars(select(EndedStaffSession.session_id))) == ["live"]


def test_one_part_of_the_daily_job_failing_does_not_stop_the_others(backend, line, clock,
                                                                     monkeypatch, caplog):
    with Session(line.engine) as session:
        _call(session, "CAended", clock.now() - timedelta(days=2), ended=True)
        session.commit()

    def broken():
        raise RuntimeError("the visits list could not be prepared")
    monkeypatch.setattr(jobs, "prepare_visits_lists", broken)

    done = jobs.daily()

    assert "visits_lists" not in done and done["calls_forgotten"] == 1
    assert "periodic visits_lists failed" in caplog.text
