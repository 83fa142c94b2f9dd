"""Timing the core as the phone line calls it: each call in its own unit of work (its own
session and transaction, a connection from the pool), wall-clock milliseconds per call."""
from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from core.actor import PHONE, Actor
from core.availability import SlotOffer, available_slots
from core.booking import book_visit
from core.clock import Clock
from core.errors import Refused
from core.uow import UnitOfWork

from .callers import Caller

OFFERS_TO_CHOOSE_FROM = 5  # the soonest dates the line reads out first
# The phone line's first question asks for 9 offers (ivr/services.py: 3 dates x 3).
SOONEST_LIMIT = 9


@dataclass
class Timings:
    ms: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)

    def summary(self) -> dict:
        if not self.ms:
            return {"count": 0, "outcomes": dict(self.outcomes)}
        ordered = sorted(self.ms)
        cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 \
            else [ordered[0]] * 99
        return {"count": len(ordered), "p50_ms": round(statistics.median(ordered), 2),
                "p90_ms": round(cuts[89], 2), "p99_ms": round(cuts[98], 2),
                "max_ms": round(ordered[-1], 2), "mean_ms": round(statistics.fmean(ordered), 2),
                "outcomes": dict(self.outcomes.most_common())}


def offers_for(session_factory, clock: Clock, caller: Caller,
               limit: int | None = None) -> list[SlotOffer] | str:
    """The offers (or the refusal's reason) for one caller, in a unit of work of its own,
    committed as the phone line commits it (ivr/services.py: slots may have been made for days
    newly in the window). No limit: the whole booking window is assessed."""
    with UnitOfWork(session_factory) as uow:
        try:
            offers = available_slots(uow.session, clock, prisoner_id=caller.prisoner_id,
                                     visitor_ids=caller.visitor_ids, limit=limit)
        except Refused as refusal:
            return refusal.reason
        uow.commit()
        return offers


def time_availability(session_factory, clock: Clock, callers: list[Caller],
                      limit: int | None = None) -> Timings:
    timings = Timings()
    for caller in callers:
        started = time.perf_counter()
        offers = offers_for(session_factory, clock, caller, limit)
        timings.ms.append((time.perf_counter() - started) * 1000)
        timings.outcomes[offers if isinstance(offers, str) else
                         "offered" if offers else "nothing_free"] += 1
    return timings


def time_booking(session_factory, clock: Clock, callers: list[Caller], rng: random.Random,
                 count: int) -> Timings:
    """Book one of the soonest offers for each caller who has any, until `count` are timed.
    Only book_visit (hold, then confirm) is timed; finding the offer is not."""
    timings = Timings()
    for caller in callers:
        if len(timings.ms) >= count:
            break
        offers = offers_for(session_factory, clock, caller)
        if isinstance(offers, str) or not offers:
            continue
        slot = rng.choice(offers[:OFFERS_TO_CHOOSE_FROM]).slot_id
        started = time.perf_counter()
        with UnitOfWork(session_factory) as uow:
            try:
                booking = book_visit(uow, clock, slot_id=slot, prisoner_id=caller.prisoner_id,
                                     visitor_ids=caller.visitor_ids,
                                     actor=Actor.visitor(caller.visitor_ids[0], PHONE))
                outcome = booking.status
            except Refused as refusal:
                outcome = refusal.reason
        timings.ms.append((time.perf_counter() - started) * 1000)
        timings.outcomes[outcome] += 1
    return timings
