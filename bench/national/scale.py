"""How big the data set is, and the instant the benchmark runs at."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from core.clock import FixedClock

# Tuesday 1 December 2026, 10:00 in London: every run's "now", so every run sees the same window.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 1)
# Bumped whenever the generator's rows change, so an old data set is built again.
GENERATOR_VERSION = 2


@dataclass(frozen=True)
class Scale:
    name: str
    prisons: int
    prisoners: int
    visitors: int
    past_bookings: int
    past_weeks: int
    non_associations: int
    availability_calls: int
    booking_calls: int
    seed: int = 2026


NATIONAL = Scale("national", prisons=120, prisoners=90_000, visitors=250_000,
                 past_bookings=1_000_000, past_weeks=52, non_associations=2_000,
                 availability_calls=2_000, booking_calls=600)
SMALL = Scale("small", prisons=5, prisoners=1_000, visitors=2_800, past_bookings=10_000,
              past_weeks=12, non_associations=40, availability_calls=300, booking_calls=100)


def bench_clock() -> FixedClock:
    return FixedClock(NOW)
