"""The booking window (spec row 2): from a minimum notice up to a maximum advance (<= 28 days)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from .clock import Clock, local_today
from .models import Prison

MAX_ADVANCE_DAYS = 28


@dataclass(frozen=True)
class BookingWindow:
    earliest: date
    latest: date

    def __contains__(self, day: date) -> bool:
        return self.earliest <= day <= self.latest


def booking_window(prison: Prison, clock: Clock) -> BookingWindow:
    today = local_today(clock)
    if prison.notice_in_working_days:
        earliest = _add_working_days(today, prison.min_notice_days)
    else:
        earliest = today + timedelta(days=prison.min_notice_days)
    latest = today + timedelta(days=min(prison.max_advance_days, MAX_ADVANCE_DAYS))
    return BookingWindow(earliest, latest)


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
    takes about a millisecond, and availability asks for the window once per slot."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=(year, year + 1)))
