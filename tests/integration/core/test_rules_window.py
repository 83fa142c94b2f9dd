"""Visit slots from weekly session templates minus closures, inside the booking window: from a
minimum notice (days, working days, optionally until a cut-off time) up to 28 days ahead."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.availability import available_slots
from core.booking import confirm_booking
from core.clock import LONDON
from core.holds import hold_table
from core.loader import LoadRejected, load_data
from core.models import Closure, Prison, VisitSlot
from core.slots import apply_closure, ensure_visit_slots
from tests.support.factories import create_template

from .helpers import (LAST_DAY, THU_3_DEC, THU_10_DEC, as_visitor, book, booking_refused,
                      refusal, reread, slot_on)


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


# "Book by 12:00 the working day before": 1 working day's notice with a cut-off of 12:00. The
# clock is tests/conftest.py's (Tuesday 1 December 2026, 10:00 in London), moved to the minute.

WED_2_DEC = date(2026, 12, 2)


@pytest.fixture
def by_noon_the_working_day_before(session, world):
    world.prison.min_notice_days = 1
    world.prison.notice_in_working_days = True
    world.prison.notice_cutoff = time(12)
    session.commit()
    return world


def _at(clock, hour: int, minute: int, day: date = date(2026, 12, 1)):
    clock.set(datetime.combine(day, time(hour, minute), tzinfo=LONDON))


def _offered_days(uow_factory, clock, world, **options) -> list[date]:
    with uow_factory() as uow:
        offers = available_slots(uow.session, clock, prisoner_id=world.prisoner.id,
                                 visitor_ids=[world.lead.id], **options)
        uow.commit()
    return [offer.date for offer in offers]


def test_a_visit_tomorrow_can_be_booked_until_noon_on_the_working_day_before(
        backend, session, uow_factory, clock, by_noon_the_working_day_before):
    world = by_noon_the_working_day_before
    tomorrow = slot_on(session, world.prison, clock, WED_2_DEC)
    _at(clock, 11, 59)
    assert book(uow_factory, clock, slot=tomorrow, prisoner=world.prisoner,
                visitors=[world.lead]).status == "booked"


def test_from_noon_a_visit_tomorrow_is_refused_saying_the_first_day_that_can_be_booked(
        backend, session, uow_factory, clock, by_noon_the_working_day_before):
    world = by_noon_the_working_day_before
    tomorrow = slot_on(session, world.prison, clock, WED_2_DEC)
    _at(clock, 12, 0)
    refused = booking_refused(uow_factory, clock, slot=tomorrow, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert (refused.reason, refused.params["earliest"]) == ("outside_window", THU_3_DEC)
    assert refused.message("en") == \
        "Visits can be booked from Thursday 3 December up to Tuesday 29 December."
    assert "dydd Iau 3 Rhagfyr" in refused.message("cy")


def test_the_soonest_dates_offered_move_on_a_day_at_noon(backend, uow_factory, clock,
                                                         by_noon_the_working_day_before):
    world = by_noon_the_working_day_before
    _at(clock, 11, 59)
    assert _offered_days(uow_factory, clock, world, limit=2) == [WED_2_DEC, THU_3_DEC]
    _at(clock, 12, 0)
    assert _offered_days(uow_factory, clock, world, limit=2) == [THU_3_DEC, date(2026, 12, 4)]


def test_asking_for_tomorrow_after_noon_says_the_first_day_that_can_be_booked(
        backend, uow_factory, clock, by_noon_the_working_day_before):
    world = by_noon_the_working_day_before
    _at(clock, 12, 0)
    refused = refusal(_offered_days, uow_factory, clock, world, on_date=WED_2_DEC)
    assert (refused.reason, refused.params["earliest"]) == ("outside_window", THU_3_DEC)


def test_a_monday_visit_can_be_booked_until_noon_on_the_friday_before(
        backend, session, uow_factory, clock, by_noon_the_working_day_before):
    world = by_noon_the_working_day_before
    friday, monday = date(2026, 12, 4), date(2026, 12, 7)
    slot = slot_on(session, world.prison, clock, monday)
    _at(clock, 12, 0, day=friday)
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.params["earliest"] == date(2026, 12, 8)
    _at(clock, 11, 59, day=friday)
    assert book(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                visitors=[world.lead]).status == "booked"


def test_a_table_held_before_noon_for_tomorrow_cannot_be_confirmed_after_it(
        backend, session, uow_factory, clock, by_noon_the_working_day_before):
    world = by_noon_the_working_day_before
    tomorrow = slot_on(session, world.prison, clock, WED_2_DEC)
    _at(clock, 11, 58)
    with uow_factory() as uow:
        held = hold_table(uow, clock, slot_id=tomorrow.id, prisoner_id=world.prisoner.id,
                          visitor_ids=[world.lead.id], actor=as_visitor(world.lead))
    _at(clock, 12, 1)
    with uow_factory() as uow:
        refused = refusal(confirm_booking, uow, clock, hold_id=held.hold_id,
                          actor=as_visitor(world.lead))
    assert (refused.reason, refused.params["earliest"]) == ("outside_window", THU_3_DEC)
    assert reread(session, tomorrow).open_taken == 0     # the table is free again


def test_a_prison_with_no_cut_off_counts_the_notice_from_today_at_any_hour(
        backend, session, uow_factory, clock, world):
    world.prison.min_notice_days = 1
    session.commit()
    _at(clock, 23, 59)
    assert _offered_days(uow_factory, clock, world, limit=1) == [WED_2_DEC]


def test_the_loader_sets_and_clears_a_prisons_cut_off(backend, session, uow_factory, clock,
                                                      hasher):
    prison = {"code": "CUT", "name": "HMP Cut-off", "min_notice_days": 1,
              "notice_in_working_days": True, "notice_cutoff": "12:00"}
    with uow_factory() as uow:
        load_data(uow, clock, hasher, {"prisons": [prison]})
    loaded = session.scalar(select(Prison).where(Prison.code == "CUT"))
    assert loaded.notice_cutoff == time(12)
    with uow_factory() as uow:
        load_data(uow, clock, hasher, {"prisons": [prison | {"notice_cutoff": None}]})
    assert reread(session, loaded).notice_cutoff is None


def test_the_loader_refuses_a_cut_off_that_is_not_a_time(backend, uow_factory, clock, hasher):
    with uow_factory() as uow:
        rejected = refusal_to_load(uow, clock, hasher, {"prisons": [
            {"code": "CUT", "name": "HMP Cut-off", "notice_cutoff": "noon"}]})
    assert rejected.problems == [
        'prisons[0].notice_cutoff: must be a 24-hour time like "14:00", not "noon"']


def refusal_to_load(uow, clock, hasher, data) -> LoadRejected:
    with pytest.raises(LoadRejected) as rejected:
        load_data(uow, clock, hasher, data)
    return rejected.value
