"""The booking window: from a minimum notice (calendar days, or working days skipping weekends
and bank holidays in England) up to a maximum advance of never more than 28 days."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core.clock import FixedClock
from core.models import Prison
from core.window import booking_window


def _prison(**overrides) -> Prison:
    settings = dict(min_notice_days=2, notice_in_working_days=False, max_advance_days=28)
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
