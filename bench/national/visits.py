"""Bookings with their parties, past and to come, and a few holds that ran out.

Past bookings fill the past visit slots' open tables at random (about half full); bookings to
come fill the next 28 days, fuller the sooner the date, some sessions to the last table.
"""
from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from core.models import (ATTENDED, BOOKED, CANCELLED, HELD, NO_SHOW, PROFESSIONAL, REQUESTED)
from core.reference import check_digit

from .estate import Estate, Slot, rng_for
from .people import People
from .scale import NOW, TODAY

BOOKING_COLUMNS = ("id", "reference", "prison_id", "prisoner_id", "slot_id", "lead_visitor_id",
                   "kind", "closed", "closed_because", "tables", "uses_vo", "status",
                   "request_reason", "needs_review", "channel", "created_at", "decided_at",
                   "decided_by", "decision_reason", "support_needs")
PARTY_COLUMNS = ("id", "booking_id", "visitor_id", "position", "relationship_to_prisoner")
HOLD_COLUMNS = ("id", "slot_id", "prisoner_id", "lead_visitor_id", "party_visitor_ids", "tables",
                "closed", "status", "channel", "created_at", "expires_at")
NOW_NAIVE = NOW.replace(tzinfo=None)
HOLD_EVERY = 25  # one slot in 25 to come has a hold that ran out and was never lapsed


def reference(booking_id: int) -> str:
    """Distinct for every id below 90 million (7,919,977 is prime to 90,000,000)."""
    body = str(10_000_000 + booking_id * 7_919_977 % 90_000_000)
    return body + check_digit(body)


class Visits:
    def __init__(self, estate: Estate, people: People):
        self.estate, self.people, self.scale = estate, people, estate.scale
        self.booking_id = self.party_id = 0
        self.holds: list[tuple] = []

    def write(self, booking_sink, party_sink) -> None:
        """Every booking to `booking_sink`, every party row to `party_sink`, as rows."""
        self._past(booking_sink, party_sink)
        self._to_come(booking_sink, party_sink)

    def hold_rows(self):
        return iter(self.holds)

    def _past(self, booking_sink, party_sink) -> None:
        rng = rng_for(self.scale, "past_booking")
        past = [s for s in self.estate.slots if s.day < TODAY and s.closed_reason is None]
        places = [n for n, slot in enumerate(past) for _ in range(slot.open_tables)]
        if len(places) < self.scale.past_bookings:
            raise ValueError(f"{len(places)} past tables for {self.scale.past_bookings} bookings")
        rng.shuffle(places)
        chosen = sorted(places[:self.scale.past_bookings])
        del places
        for index, group in groupby(chosen):
            slot = past[index]
            for prisoner in rng.sample(self.people.bookable[slot.prison_id], len(list(group))):
                status = rng.choices((ATTENDED, NO_SHOW, CANCELLED), (82, 5, 13))[0]
                created = slot.starts_at - timedelta(days=rng.randint(2, 27),
                                                     minutes=rng.randint(0, 600))
                self._book(rng, slot, prisoner, status, created, booking_sink, party_sink)

    def _to_come(self, booking_sink, party_sink) -> None:
        rng = rng_for(self.scale, "booking_to_come")
        to_come = [s for s in self.estate.slots if s.day >= TODAY and s.closed_reason is None]
        for n, slot in enumerate(to_come):
            fill = 0.8 - 0.6 * (slot.day - TODAY).days / 28
            has_hold = n % HOLD_EVERY == 0
            count = min(slot.open_tables - has_hold,
                        round(slot.open_tables * fill * rng.uniform(0.6, 1.3)))
            prisoners = rng.sample(self.people.bookable[slot.prison_id], count + has_hold)
            for prisoner in prisoners[:count]:
                status = REQUESTED if rng.random() < 0.03 else BOOKED
                created = NOW_NAIVE - timedelta(days=rng.randint(0, 20),
                                                minutes=rng.randint(0, 600))
                self._book(rng, slot, prisoner, status, created, booking_sink, party_sink)
            if has_hold:
                self._hold(rng, slot, prisoners[-1])

    def _party(self, rng, slot: Slot, prisoner: int) -> list[tuple[int, str]]:
        if slot.kind == PROFESSIONAL:
            return [(rng.choice(self.people.professionals), "legal adviser")]
        lead, *others = self.people.approved[prisoner]
        return [lead] + rng.sample(others, rng.randint(0, min(2, len(others))))

    def _book(self, rng, slot: Slot, prisoner: int, status: str, created, booking_sink,
              party_sink) -> None:
        self.booking_id += 1
        party = self._party(rng, slot, prisoner)
        uses_vo = slot.kind != PROFESSIONAL and prisoner not in self.people.remand
        booking_sink((self.booking_id, reference(self.booking_id), slot.prison_id, prisoner,
                      slot.id, party[0][0], slot.kind, False, "", 1, uses_vo, status,
                      "restriction under review" if status == REQUESTED else "", False,
                      "phone" if rng.random() < 0.75 else "admin", created, None, "", "", ""))
        for position, (visitor, relation) in enumerate(party):
            self.party_id += 1
            party_sink((self.party_id, self.booking_id, visitor, position, relation))

    def _hold(self, rng, slot: Slot, prisoner: int) -> None:
        party = self._party(rng, slot, prisoner)
        created = NOW_NAIVE - timedelta(minutes=30)
        self.holds.append((len(self.holds) + 1, slot.id, prisoner, party[0][0],
                           ",".join(str(v) for v, _ in party), 1, False, HELD, "phone", created,
                           created + timedelta(minutes=10)))
