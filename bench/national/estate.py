"""Prisons, session templates, closures and visit slots: the estate, made from one seed.

Each table draws from its own random stream, so changing how one table is made leaves the
others as they were.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from core.clock import LONDON
from core.models import PROFESSIONAL, SOCIAL
from core.window import MAX_ADVANCE_DAYS

from .scale import TODAY, Scale

STARTS = (time(9, 0), time(10, 30), time(13, 30), time(15, 0), time(18, 0))
VALID_FROM = date(2020, 1, 1)

PRISON_COLUMNS = ("id", "code", "name", "language", "address", "min_notice_days",
                  "notice_in_working_days", "max_advance_days", "adult_age", "table_max_people",
                  "table_max_adults", "allows_two_tables", "remand_visits_per_week",
                  "vo_allowance_basic", "vo_allowance_standard", "vo_allowance_enhanced",
                  "hold_minutes", "reminder_offsets_hours", "id_requirements",
                  "slots_generated_until")
TEMPLATE_COLUMNS = ("id", "prison_id", "weekday", "start_time", "end_time", "valid_from",
                    "valid_to", "open_tables", "closed_tables", "kind")
CLOSURE_COLUMNS = ("id", "prison_id", "first_date", "last_date", "template_id", "reason")
SLOT_COLUMNS = ("id", "prison_id", "template_id", "date", "starts_at", "ends_at", "kind",
                "open_tables", "closed_tables", "open_taken", "closed_taken", "closed_reason")


def rng_for(scale: Scale, table: str) -> random.Random:
    return random.Random(f"{scale.seed}-{table}")


def utc_naive(day: date, clock_time: time) -> datetime:
    """As core.clock.at_local, stored the way UTCDateTime stores it (naive UTC)."""
    local = datetime.combine(day, clock_time, tzinfo=LONDON)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Template:
    id: int
    prison_id: int
    weekday: int
    start: time
    end: time
    open_tables: int
    closed_tables: int
    kind: str


@dataclass(frozen=True)
class Closure:
    id: int
    prison_id: int
    first: date
    last: date
    template_id: int | None
    reason: str


@dataclass(frozen=True)
class Slot:
    id: int
    prison_id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    kind: str
    open_tables: int
    closed_tables: int
    closed_reason: str | None


class Estate:
    def __init__(self, scale: Scale):
        self.scale = scale
        self.templates = self._templates()
        self.closures = self._closures()
        self.slots = self._slots()

    def prison_rows(self):
        rng = rng_for(self.scale, "prison")
        for pid in range(1, self.scale.prisons + 1):
            yield (pid, f"B{pid:03d}", f"HMP Bench {pid}", "cy" if pid % 20 == 0 else "en",
                   f"{pid} Gaol Road", rng.choice((1, 2, 2, 2, 3)), pid % 4 == 1,
                   rng.choice((28, 28, 28, 21, 14)), rng.choice((18, 18, 18, 16, 10)), 6, 3,
                   rng.random() < 0.8, 3, 2, 3, 4, 10, "168,48",
                   "photo ID for every adult (passport or driving licence)",
                   TODAY + timedelta(days=MAX_ADVANCE_DAYS))

    def template_rows(self):
        for t in self.templates:
            yield (t.id, t.prison_id, t.weekday, t.start, t.end, VALID_FROM, None, t.open_tables,
                   t.closed_tables, t.kind)

    def closure_rows(self):
        for c in self.closures:
            yield (c.id, c.prison_id, c.first, c.last, c.template_id, c.reason)

    def slot_rows(self):
        # Taken counters start at 0; the loader sets them from the bookings and holds.
        for s in self.slots:
            yield (s.id, s.prison_id, self._template_of[s.id], s.day, s.starts_at, s.ends_at,
                   s.kind, s.open_tables, s.closed_tables, 0, 0, s.closed_reason)

    def _templates(self) -> list[Template]:
        rng = rng_for(self.scale, "session_template")
        combos = [(day, start) for day in range(7) for start in STARTS]
        templates = []
        for pid in range(1, self.scale.prisons + 1):
            chosen = rng.sample(combos, rng.randint(14, 21))
            professional = rng.randint(2, 3)
            for n, (weekday, start) in enumerate(sorted(chosen)):
                kind = PROFESSIONAL if n % 7 == 3 and professional > 0 else SOCIAL
                professional -= kind == PROFESSIONAL
                minutes = rng.choice((60, 90, 120))
                end = (datetime.combine(TODAY, start) + timedelta(minutes=minutes)).time()
                open_tables = rng.randint(12, 24) if kind == SOCIAL else rng.randint(4, 8)
                templates.append(Template(len(templates) + 1, pid, weekday, start, end,
                                          open_tables, rng.choice((0, 1, 2, 2, 3)), kind))
        return templates

    def _closures(self) -> list[Closure]:
        rng = rng_for(self.scale, "closure")
        by_prison: dict[int, list[Template]] = {}
        for t in self.templates:
            by_prison.setdefault(t.prison_id, []).append(t)
        closures = []
        for pid, templates in by_prison.items():
            start = TODAY - timedelta(days=rng.randint(20, self.scale.past_weeks * 7 - 7))
            closures.append((pid, start, start + timedelta(days=rng.randint(0, 6)), None,
                             "lockdown"))
            if rng.random() < 0.3:
                day = TODAY + timedelta(days=rng.randint(3, 27))
                closures.append((pid, day, day, None, "staff training"))
            if rng.random() < 0.3:
                day = TODAY + timedelta(days=rng.randint(3, 25))
                closures.append((pid, day, day + timedelta(days=rng.randint(0, 2)),
                                 rng.choice(templates).id, "visits hall repairs"))
        return [Closure(n, *c) for n, c in enumerate(closures, start=1)]

    def _slots(self) -> list[Slot]:
        by_weekday: dict[int, list[Template]] = {}
        for t in self.templates:
            by_weekday.setdefault(t.weekday, []).append(t)
        closures: dict[int, list[Closure]] = {}
        for c in self.closures:
            closures.setdefault(c.prison_id, []).append(c)
        slots, self._template_of = [], {}
        day = TODAY - timedelta(days=self.scale.past_weeks * 7)
        while day <= TODAY + timedelta(days=MAX_ADVANCE_DAYS):
            for t in sorted(by_weekday.get(day.weekday(), ()), key=lambda t: (t.prison_id, t.id)):
                reason = next((c.reason for c in closures.get(t.prison_id, ())
                               if c.first <= day <= c.last and c.template_id in (None, t.id)),
                              None)
                slot = Slot(len(slots) + 1, t.prison_id, day, utc_naive(day, t.start),
                            utc_naive(day, t.end), t.kind, t.open_tables, t.closed_tables, reason)
                slots.append(slot)
                self._template_of[slot.id] = t.id
            day += timedelta(days=1)
        return slots
