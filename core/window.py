"""The booking window (spec row 2): from a minimum notice up to a maximum advance (<= 28 days).

The minimum notice is a number of days, calendar or working (skipping weekends and England's
bank holidays). Without a cut-off time the earliest bookable day is that many days after today.
With one, a visit can be booked until that time (London) on the day that many days before it:
"book by 12:00 the working day before" is 1 working day with a cut-off of 12:00, so on a Tuesday
morning Wednesday can be booked, from noon it cannot; on a Friday morning Saturday and Monday
can, from Friday noon Tuesday is the first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from .clock import LONDON, Clock
from .models import Prison

MAX_ADVANCE_DAYS = 28


@dataclass(frozen=True)
class BookingWindow:
    earliest: date
    latest: date

    def __contains__(self, day: date) -> bool:
        return self.earliest <= day <= self.latest


def booking_window(prison: Prison, clock: Clock) -> BookingWindow:
    now = clock.now().astimezone(LONDON)
    today = now.date()
    cutoff = prison.notice_cutoff
    if cutoff is not None:
        earliest = _earliest_before_cutoff(now, prison.min_notice_days,
                                           prison.notice_in_working_days, cutoff)
    elif prison.notice_in_working_days:
        earliest = _add_working_days(today, prison.min_notice_days)
    else:
        earliest = today + timedelta(days=prison.min_notice_days)
    latest = today + timedelta(days=min(prison.max_advance_days, MAX_ADVANCE_DAYS))
    return BookingWindow(earliest, latest)


def _earliest_before_cutoff(now: datetime, notice: int, working: bool, cutoff: time) -> date:
    """The first day whose booking deadline, `cutoff` on the day `notice` (working) days
    before it, is still to come."""
    today = now.date()
    before_cutoff = now.time() < cutoff
    if notice == 0:  # a visit today, until the cut-off today
        return today if before_cutoff else today + timedelta(days=1)
    if not working:
        return today + timedelta(days=notice + (0 if before_cutoff else 1))
    # The first working day whose cut-off has not passed: today's deadline still counts only
    # on a working day before the cut-off.
    first = today if before_cutoff and is_working_day(today) else _add_working_days(today, 1)
    # A day can be booked while its `notice`-th working day before is `first` or later.
    return _add_working_days(first, notice - 1) + timedelta(days=1)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def _add_working_days(start: date, count: int) -> date:
    bank_holidays = _bank_holidays(start.year)
    day = start
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays:
            count -= 1
    return day


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in a year and the next. Made once per year: building them
    takes about a millisecond."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=(year, year + 1)))
