"""The booking window: from a minimum notice (calendar days, or working days skipping weekends
and bank holidays in England; optionally until a cut-off time on the last day of notice) up to
a maximum advance of never more than 28 days."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from core.clock import LONDON, FixedClock
from core.models import Prison
from core.window import booking_window


TUE_1_DEC, WED_2_DEC = date(2026, 12, 1), date(2026, 12, 2)


def _prison(**overrides) -> Prison:
    settings = dict(min_notice_days=2, notice_in_working_days=False, notice_cutoff=None,
                    max_advance_days=28)
    return Prison(code="TST", name="HMP Test", **(settings | overrides))


def _at(year, month, day, hour=10, minute=0) -> FixedClock:
    return FixedClock(datetime(year, month, day, hour, minute, tzinfo=timezone.utc))


def test_the_default_window_is_2_days_notice_up_to_28_days_ahead():
    window = booking_window(_prison(), _at(2026, 12, 1))
    assert (window.earliest, window.latest) == (date(2026, 12, 3), date(2026, 12, 29))


def test_the_window_is_never_more_than_28_days_even_if_a_prison_asks_for_more():
    window = booking_window(_prison(max_advance_days=60), _at(2026, 12, 1))
    assert window.latest == date(2026, 12, 29)


def test_a_prison_may_set_a_shorter_window():
    assert booking_window(_prison(max_advance_days=14), _at(2026, 12, 1)).latest == \
        date(2026, 12, 15)


@pytest.mark.parametrize("today, earliest", [
    (date(2026, 12, 1), date(2026, 12, 3)),    # Tuesday: Thursday
    (date(2026, 12, 3), date(2026, 12, 7)),    # Thursday: Friday, then Monday
    (date(2026, 12, 4), date(2026, 12, 8)),    # Friday: Monday, Tuesday
    (date(2026, 12, 5), date(2026, 12, 8)),    # Saturday: Monday, Tuesday
    (date(2026, 12, 24), date(2026, 12, 30)),  # Christmas Day, weekend, Boxing Day on Monday 28th
    (date(2026, 8, 27), date(2026, 9, 1)),     # Friday 28th, then the August bank holiday Monday
    (date(2026, 12, 31), date(2027, 1, 5)),    # New Year's Day, a weekend: across the year
])
def test_working_day_notice_skips_weekends_and_bank_holidays(today, earliest):
    prison = _prison(notice_in_working_days=True)
    assert booking_window(prison, _at(today.year, today.month, today.day)).earliest == earliest


def test_calendar_day_notice_counts_weekends():
    assert booking_window(_prison(), _at(2026, 12, 4)).earliest == date(2026, 12, 6)


def test_today_is_the_date_in_london_not_in_utc():
    # 23:30 UTC on 1 June is 00:30 on 2 June in London (British Summer Time).
    window = booking_window(_prison(), _at(2026, 6, 1, 23, 30))
    assert window.earliest == date(2026, 6, 4)


def test_the_window_includes_both_ends():
    window = booking_window(_prison(), _at(2026, 12, 1))
    assert window.earliest in window and window.latest in window
    assert date(2026, 12, 2) not in window and date(2026, 12, 30) not in window


# A cut-off time: "book by 12:00 the working day before" is 1 working day's notice with a
# cut-off of 12:00 (London). The clock is tests/conftest.py's: Tuesday 1 December 2026, 10:00.

NOON = time(12)


def _by_noon_the_working_day_before() -> Prison:
    return _prison(min_notice_days=1, notice_in_working_days=True, notice_cutoff=NOON)


def _london(clock: FixedClock, day: date, hour: int, minute: int = 0) -> FixedClock:
    clock.set(datetime.combine(day, time(hour, minute), tzinfo=LONDON))
    return clock


def test_a_visit_tomorrow_can_be_booked_until_noon_on_the_working_day_before(clock):
    prison = _by_noon_the_working_day_before()
    assert WED_2_DEC in booking_window(prison, _london(clock, TUE_1_DEC, 11, 59))
    assert WED_2_DEC not in booking_window(prison, _london(clock, TUE_1_DEC, 12, 0))


def test_from_noon_the_first_bookable_day_is_the_one_after_tomorrow(clock):
    prison = _by_noon_the_working_day_before()
    assert booking_window(prison, _london(clock, TUE_1_DEC, 12, 0)).earliest == date(2026, 12, 3)


def test_a_monday_visit_can_be_booked_until_noon_on_the_friday_before(clock):
    prison = _by_noon_the_working_day_before()
    friday, monday = date(2026, 12, 4), date(2026, 12, 7)
    before_noon = booking_window(prison, _london(clock, friday, 11, 59))
    assert monday in before_noon
    # Saturday's and Sunday's working day before is Friday too.
    assert before_noon.earliest == date(2026, 12, 5)
    assert booking_window(prison, _london(clock, friday, 12, 0)).earliest == date(2026, 12, 8)


def test_at_the_weekend_monday_can_no_longer_be_booked(clock):
    prison = _by_noon_the_working_day_before()
    for weekend_day in (date(2026, 12, 5), date(2026, 12, 6)):
        assert booking_window(prison, _london(clock, weekend_day, 9)).earliest == \
            date(2026, 12, 8)


@pytest.mark.parametrize("now, earliest", [
    # Monday 31 August is a bank holiday: Tuesday's working day before is Friday 28th.
    ((date(2026, 8, 28), 11, 59), date(2026, 8, 29)),
    ((date(2026, 8, 28), 12, 0), date(2026, 9, 2)),
    ((date(2026, 8, 31), 10, 0), date(2026, 9, 2)),
    # Christmas Day, a weekend and Boxing Day (observed Monday 28th): after noon on Christmas
    # Eve the next working day is Tuesday 29th, so Wednesday 30th is the first.
    ((date(2026, 12, 24), 11, 0), date(2026, 12, 25)),
    ((date(2026, 12, 24), 12, 0), date(2026, 12, 30)),
])
def test_the_working_day_before_skips_bank_holidays(clock, now, earliest):
    prison = _by_noon_the_working_day_before()
    assert booking_window(prison, _london(clock, *now)).earliest == earliest


def test_the_cut_off_is_a_london_time(clock):
    # 1 June 2026 is in British Summer Time: 11:30 UTC is 12:30 in London.
    prison = _by_noon_the_working_day_before()
    clock.set(datetime(2026, 6, 1, 10, 59, tzinfo=timezone.utc))
    assert booking_window(prison, clock).earliest == date(2026, 6, 2)
    clock.set(datetime(2026, 6, 1, 11, 30, tzinfo=timezone.utc))
    assert booking_window(prison, clock).earliest == date(2026, 6, 3)


def test_a_visit_can_be_booked_until_the_cut_off_on_the_second_working_day_before(clock):
    prison = _prison(min_notice_days=2, notice_in_working_days=True, notice_cutoff=NOON)
    thursday = date(2026, 12, 3)
    assert booking_window(prison, _london(clock, TUE_1_DEC, 11, 59)).earliest == thursday
    assert booking_window(prison, _london(clock, TUE_1_DEC, 12, 0)).earliest == \
        date(2026, 12, 4)


def test_a_cut_off_in_calendar_days_counts_weekends(clock):
    prison = _prison(min_notice_days=2, notice_cutoff=time(16))
    friday = date(2026, 12, 4)
    assert booking_window(prison, _london(clock, friday, 15, 59)).earliest == date(2026, 12, 6)
    assert booking_window(prison, _london(clock, friday, 16, 0)).earliest == date(2026, 12, 7)


def test_with_no_notice_a_visit_today_can_be_booked_until_the_cut_off(clock):
    prison = _prison(min_notice_days=0, notice_cutoff=NOON)
    assert booking_window(prison, _london(clock, TUE_1_DEC, 11, 59)).earliest == TUE_1_DEC
    assert booking_window(prison, _london(clock, TUE_1_DEC, 12, 0)).earliest == WED_2_DEC


def test_without_a_cut_off_the_notice_counts_from_today_whatever_the_time(clock):
    prison = _prison(min_notice_days=1, notice_in_working_days=True)
    assert booking_window(prison, _london(clock, TUE_1_DEC, 23, 59)).earliest == WED_2_DEC


def test_the_cut_off_never_moves_the_latest_day(clock):
    prison = _by_noon_the_working_day_before()
    assert booking_window(prison, _london(clock, TUE_1_DEC, 12, 0)).latest == \
        date(2026, 12, 29)
