"""Time for the core: a clock is passed in, so tests set "now" without patching."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that stands still until moved (tests, benchmarks, the demo's "what if")."""

    def __init__(self, now: datetime):
        if now.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta) -> None:
        self._now = self._now + timedelta(**delta)

    def set(self, now: datetime) -> None:
        self._now = now


def local_today(clock: Clock) -> date:
    return clock.now().astimezone(LONDON).date()


def at_local(day: date, clock_time: time) -> datetime:
    """The instant a wall-clock time in London happens on a day (DST-safe)."""
    return datetime.combine(day, clock_time, tzinfo=LONDON)
