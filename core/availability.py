"""Availability (spec rows 1, 2): the visit slots a party could book, soonest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calendar import load_calendar
from .capacity import expired_hold_tables
from .clock import Clock
from .errors import Refused
from .models import PROFESSIONAL, SOCIAL, Prison, VisitSlot
from .people import get_party, get_prisoner
from .rules import assess_visit
from .slots import ensure_visit_slots
from .window import booking_window


@dataclass(frozen=True)
class SlotOffer:
    slot_id: int
    date: date
    starts_at: datetime
    ends_at: datetime
    closed: bool
    tables: int
    free_tables: int
    request_reason: str


def available_slots(session: Session, clock: Clock, *, prisoner_id: int, visitor_ids: list[int],
                    on_date: date | None = None, limit: int | None = None) -> list[SlotOffer]:
    """Slots this party may book for this prisoner. Refusals that hold for every slot (the
    party, the approved list, no visiting order left, a date outside the window) are raised;
    a slot that fails any other rule is not offered, except that for a date the caller asked
    for, the first such reason is raised when nothing is left to offer."""
    prisoner = get_prisoner(session, prisoner_id)
    if prisoner.prison_id is None:
        raise Refused("prisoner_not_here")
    prison = session.get(Prison, prisoner.prison_id)
    visitors = get_party(session, visitor_ids)
    window = booking_window(prison, clock)
    if on_date is not None and on_date not in window:
        raise Refused("outside_window", earliest=window.earliest, latest=window.latest)
    first, last = (on_date, on_date) if on_date else (window.earliest, window.latest)
    ensure_visit_slots(session, prison, clock)
    kind = PROFESSIONAL if visitors[0].is_professional else SOCIAL
    # Each slot with the tables its run-out holds still count, open and closed: one query.
    query = (select(VisitSlot, expired_hold_tables(clock, closed=False),
                    expired_hold_tables(clock, closed=True))
             .where(VisitSlot.prison_id == prison.id, VisitSlot.date >= first,
                    VisitSlot.date <= last, VisitSlot.kind == kind,
                    VisitSlot.closed_reason.is_(None), VisitSlot.starts_at > clock.now())
             .order_by(VisitSlot.starts_at))
    slots = session.execute(query).all()
    if not slots:
        return []
    calendar = load_calendar(session, prisoner, visitor_ids, first, last)
    offers, first_refusal = [], None
    for slot, stale_open, stale_closed in slots:
        try:
            assessment = assess_visit(session, clock, prison=prison, slot=slot, prisoner=prisoner,
                                      visitors=visitors, calendar=calendar)
        except Refused as refusal:
            if refusal.reason in _EVERY_SLOT:
                raise
            first_refusal = first_refusal or refusal
            continue
        free = slot.free_tables(assessment.closed) + \
            (stale_closed if assessment.closed else stale_open)
        if free >= assessment.tables:
            offers.append(SlotOffer(slot.id, slot.date, slot.starts_at, slot.ends_at,
                                    assessment.closed, assessment.tables, free,
                                    assessment.request_reason))
            if limit and len(offers) >= limit:
                break
    if on_date is not None and not offers and first_refusal is not None:
        raise first_refusal  # the caller asked for this date: tell them why it will not do
    return offers


# Refusals about the party or the prisoner, not the slot: no slot would do.
_EVERY_SLOT = {"no_adult", "party_too_large", "not_approved", "not_professional",
               "banned_indefinitely", "no_vo_left", "prisoner_not_here"}
