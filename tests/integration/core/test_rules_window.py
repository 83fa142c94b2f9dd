"""Visit slots from weekly session templates minus closures, inside the booking window."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.models import Closure, VisitSlot
from core.slots import apply_closure, ensure_visit_slots
from tests.support.factories import create_template

from .helpers import (LAST_DAY, THU_3_DEC, THU_10_DEC, book, booking_refused, reread,
                      slot_on)


def _slots(session, prison, first, last):
    return session.scalars(select(VisitSlot).where(
        VisitSlot.prison_id == prison.id, VisitSlot.date >= first, VisitSlot.date <= last)
        .order_by(VisitSlot.starts_at)).all()


def test_visit_slots_come_from_the_weekly_session_templates(backend, session, clock, world):
    ensure_visit_slots(session, world.prison, clock)
    week = _slots(session, world.prison, date(2026, 12, 7), date(2026, 12, 13))
    social = [s for s in week if s.kind == "social"]
    professional = [s for s in week if s.kind == "professional"]
    assert [s.date.weekday() for s in social] == [0, 1, 2, 3, 4, 5, 6]
    assert all((s.open_tables, s.closed_tables) == (20, 2) for s in social)
    assert [(s.date, s.open_tables, s.closed_tables) for s in professional] == \
        [(date(2026, 12, 10), 4, 0)]
    assert social[0].starts_at.hour == 14 and social[0].ends_at.hour == 16


def test_a_session_template_makes_slots_only_between_its_valid_dates(backend, session, clock,
                                                                     world):
    create_template(session, world.prison, weekday=0, start=time(9), end=time(10),
                    valid_from=date(2026, 12, 14), valid_to=date(2026, 12, 21))
    ensure_visit_slots(session, world.prison, clock)
    mondays = [s.date for s in _slots(session, world.prison, THU_3_DEC, LAST_DAY)
               if s.starts_at.hour == 9 and s.kind == "social"]
    assert mondays == [date(2026, 12, 14), date(2026, 12, 21)]


def test_a_closed_date_cannot_be_booked(backend, session, uow_factory, clock, world):
    session.add(Closure(prison_id=world.prison.id, first_date=THU_10_DEC,
                        last_date=THU_10_DEC, reason="staff training"))
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    assert slot.closed_reason == "staff training"
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.reason == "session_closed"


def test_a_closure_made_after_slots_exist_closes_them(backend, session, uow_factory, clock,
                                                      world):
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    closure = Closure(prison_id=world.prison.id, first_date=date(2026, 12, 9),
                      last_date=date(2026, 12, 11), reason="lockdown")
    session.add(closure)
    session.flush()
    closed = apply_closure(session, closure)
    session.commit()
    assert len(closed) == 4  # Wed, Thu (social and professional), Fri
    refused = booking_refused(uow_factory, clock, slot=reread(session, slot),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "session_closed"


def test_closing_one_session_on_a_date_leaves_the_others(backend, session, uow_factory, clock,
                                                         world):
    morning = create_template(session, world.prison, weekday=3, start=time(10), end=time(11, 30))
    session.add(Closure(prison_id=world.prison.id, first_date=THU_10_DEC, last_date=THU_10_DEC,
                        template_id=morning.id, reason="short of staff"))
    ensure_visit_slots(session, world.prison, clock)
    session.commit()
    day = [s for s in _slots(session, world.prison, THU_10_DEC, THU_10_DEC) if s.kind == "social"]
    assert [(s.starts_at.hour, s.closed_reason) for s in day] == \
        [(10, "short of staff"), (14, None)]
    booking = book(uow_factory, clock, slot=day[1], prisoner=world.prisoner, visitors=[world.lead])
    assert booking.slot_id == day[1].id


def test_visits_can_be_booked_from_the_minimum_notice(backend, session, uow_factory, clock,
                                                      world):
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert booking.status == "booked"


def test_a_date_inside_the_minimum_notice_is_refused(backend, session, uow_factory, clock,
                                                     world):
    tomorrow = slot_on(session, world.prison, clock, date(2026, 12, 2))
    refused = booking_refused(uow_factory, clock, slot=tomorrow, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.reason == "outside_window"
    assert refused.params == {"earliest": THU_3_DEC, "latest": LAST_DAY}
    assert "Thursday 3 December" in refused.message()


def test_visits_can_be_booked_up_to_28_days_ahead(backend, session, uow_factory, clock, world):
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, LAST_DAY),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert booking.status == "booked"


def test_visits_cannot_be_booked_more_than_28_days_ahead(backend, session, uow_factory, clock,
                                                         world):
    too_far = slot_on(session, world.prison, clock, date(2026, 12, 30))
    refused = booking_refused(uow_factory, clock, slot=too_far, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.reason == "outside_window"


def test_a_prison_may_shorten_the_window(backend, session, uow_factory, clock, world):
    world.prison.max_advance_days = 14
    day_15 = slot_on(session, world.prison, clock, date(2026, 12, 16))
    refused = booking_refused(uow_factory, clock, slot=day_15, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.reason == "outside_window"


def test_a_prison_can_never_set_a_window_over_28_days(backend, session, world):
    world.prison.max_advance_days = 29
    with pytest.raises(IntegrityError):
        session.flush()


def test_working_day_notice_skips_weekends_and_bank_holidays(backend, session, uow_factory,
                                                             clock, world):
    # Thursday 24 December: Christmas Day, a weekend and Boxing Day (observed Monday 28th)
    # stand between it and the second working day, Wednesday 30th.
    clock.set(clock.now().replace(month=12, day=24))
    world.prison.notice_in_working_days = True
    tuesday = slot_on(session, world.prison, clock, date(2026, 12, 29))
    wednesday = slot_on(session, world.prison, clock, date(2026, 12, 30))
    refused = booking_refused(uow_factory, clock, slot=tuesday, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.reason == "outside_window"
    assert refused.params["earliest"] == date(2026, 12, 30)
    assert book(uow_factory, clock, slot=wednesday, prisoner=world.prisoner,
                visitors=[world.lead]).status == "booked"
