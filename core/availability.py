"""Availability (spec rows 1, 2): the visit slots a party could book, soonest first.

Asked at every turn of a call, so it is kept to three statements (the prisoner with their prison
and the party; the slots with their run-out holds; the calendar), each built once and cached
compiled by SQLAlchemy; the slots are read as plain rows, not as ORM objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .calendar import load_calendar
from .capacity import expired_hold_tables
from .clock import Clock
from .errors import Refused
from .models import PROFESSIONAL, SOCIAL, Prison, Prisoner, UTCDateTime, Visitor, VisitSlot
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
    prisoner, prison, visitors = _people(session, prisoner_id, visitor_ids)
    window = booking_window(prison, clock)
    if on_date is not None and on_date not in window:
        raise Refused("outside_window", earliest=window.earliest, latest=window.latest)
    first, last = (on_date, on_date) if on_date else (window.earliest, window.latest)
    ensure_visit_slots(session, prison, clock)
    kind = PROFESSIONAL if visitors[0].is_professional else SOCIAL
    slots = session.execute(_OPEN_SLOTS, {"prison_id": prison.id, "first": first, "last": last,
                                          "kind": kind, "now": clock.now()}).all()
    if not slots:
        return []
    calendar = load_calendar(session, prisoner, visitor_ids, first, last)
    offers, first_refusal = [], None
    for slot in slots:
        try:
            assessment = assess_visit(session, clock, prison=prison, slot=slot, prisoner=prisoner,
                                      visitors=visitors, calendar=calendar, window=window)
        except Refused as refusal:
            if refusal.reason in _EVERY_SLOT:
                raise
            first_refusal = first_refusal or refusal
            continue
        if assessment.closed:
            free = slot.closed_tables - slot.closed_taken + slot.stale_closed
        else:
            free = slot.open_tables - slot.open_taken + slot.stale_open
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


def _people(session: Session, prisoner_id: int,
            visitor_ids: list[int]) -> tuple[Prisoner, Prison, list[Visitor]]:
    """The prisoner, their prison and the party in one statement, refused as core.people's
    get_prisoner and get_party refuse them, in that order."""
    rows = session.execute(_PEOPLE, {"prisoner_id": prisoner_id,
                                     "visitor_ids": visitor_ids}).all()
    if not rows:
        raise Refused("prisoner_not_found")
    prisoner, prison = rows[0][0], rows[0][1]
    if prison is None:
        raise Refused("prisoner_not_here")
    if not visitor_ids or len(set(visitor_ids)) != len(visitor_ids):
        raise Refused("no_adult")
    found = {visitor.id: visitor for _, _, visitor in rows if visitor is not None}
    missing = [vid for vid in visitor_ids if vid not in found]
    if missing:
        raise Refused("not_approved", name=f"visitor {missing[0]}")
    return prisoner, prison, [found[vid] for vid in visitor_ids]


_PEOPLE = (select(Prisoner, Prison, Visitor)
           .outerjoin(Prison, Prison.id == Prisoner.prison_id)
           .outerjoin(Visitor, Visitor.id.in_(bindparam("visitor_ids", expanding=True)))
           .where(Prisoner.id == bindparam("prisoner_id")))


def _open_slots():
    """Open slots of one kind at a prison between two dates, not yet begun, soonest first; each
    with the tables its run-out holds still count, open and closed (free in truth)."""
    slot = VisitSlot.__table__.c
    now = bindparam("now", type_=UTCDateTime())
    return (select(slot.id, slot.prison_id, slot.date, slot.starts_at, slot.ends_at, slot.kind,
                   slot.open_tables, slot.closed_tables, slot.open_taken, slot.closed_taken,
                   slot.closed_reason,
                   expired_hold_tables(now, closed=False).label("stale_open"),
                   expired_hold_tables(now, closed=True).label("stale_closed"))
            .where(slot.prison_id == bindparam("prison_id"), slot.date >= bindparam("first"),
                   slot.date <= bindparam("last"), slot.kind == bindparam("kind"),
                   slot.closed_reason.is_(None), slot.starts_at > now)
            .order_by(slot.starts_at))


_OPEN_SLOTS = _open_slots()
