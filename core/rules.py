"""The rules of a booking, checked in the order the current service uses (DESIGN.md).

Order: prisoner at this prison; inside the booking window; date or session closed; the party
(an adult lead, seats at one or two tables); every visitor approved and not banned; the session
open to this visit (social or professional, open or closed tables); non-association; double
booking; remand weekly limit; visiting order balance. Capacity is last, taken by core.capacity.
The first failing check is the reason given.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calendar import Calendar
from .catalogue import Phrase
from .clock import Clock
from .entitlement import uses_visiting_order
from .errors import Refused
from .models import PROFESSIONAL, REMAND, ApprovedVisitor, Prison, Prisoner, Visitor, VisitSlot
from .party import Seating, party_needs_an_adult_lead, seat_party
from .window import BookingWindow, booking_window

INDEFINITE = date(9999, 12, 31)


@dataclass(frozen=True)
class Assessment:
    tables: int
    closed: bool
    closed_because: str       # catalogue code, "" for an open visit
    uses_vo: bool
    request_reason: str       # "" for a straight booking; else why staff must decide


def assess_visit(session: Session, clock: Clock, *, prison: Prison, slot: VisitSlot,
                 prisoner: Prisoner, visitors: list[Visitor], calendar: Calendar,
                 window: BookingWindow | None = None) -> Assessment:
    """Every rule but capacity, in order. Raises Refused with the first that fails. `slot` is
    a VisitSlot or a row with its columns; `window`, the prison's booking window now, if the
    caller has it already (availability assesses many slots at one instant)."""
    prisoner_must_be_at_this_prison(prisoner, slot)
    date_must_be_in_booking_window(prison, slot, clock, window)
    session_must_not_be_closed(slot)
    party = _party_may_visit(session, prison, prisoner, visitors, slot, calendar)
    session_must_be_open_to_this_visit(slot, party.closed_because)
    calendar.check(prison, prisoner, visitors, slot)
    uses_vo = uses_visiting_order(prisoner, slot.kind)
    if uses_vo:
        prisoner_must_have_a_visiting_order(prisoner)
    return Assessment(tables=party.seating.tables, closed=bool(party.closed_because),
                      closed_because=party.closed_because, uses_vo=uses_vo,
                      request_reason=party.request_reason)


@dataclass(frozen=True)
class PartyChecked:
    seating: Seating
    closed_because: str
    request_reason: str


def _party_may_visit(session: Session, prison: Prison, prisoner: Prisoner,
                     visitors: list[Visitor], slot: VisitSlot, calendar: Calendar) -> PartyChecked:
    """The party's own rules, in order: an adult lead, seats at one or two tables, every visitor
    entitled (approved, not banned); then whether it must be a closed visit or a request. They
    depend on the slot only through its date and kind, so each date and kind is checked once
    for the calendar's party (availability assesses many slots on one date)."""
    key = (slot.date, slot.kind)
    checked = calendar.party_checks.get(key)
    if checked is None:
        try:
            party_needs_an_adult_lead(visitors, slot.date)
            seating = seat_party(prison, visitors, slot.date)
            visitors_must_be_entitled(session, prisoner, visitors, slot,
                                      calendar.approved_visitor_ids)
            checked = PartyChecked(seating, closed_restriction(prisoner, visitors),
                                   request_reason(visitors, seating.needs_staff))
        except Refused as refusal:
            checked = refusal
        calendar.party_checks[key] = checked
    if isinstance(checked, Refused):
        raise Refused(checked.reason, **checked.params)
    return checked


def prisoner_must_be_at_this_prison(prisoner: Prisoner, slot: VisitSlot) -> None:
    if prisoner.prison_id != slot.prison_id:
        raise Refused("prisoner_not_here")


def date_must_be_in_booking_window(prison: Prison, slot: VisitSlot, clock: Clock,
                                   window: BookingWindow | None = None) -> None:
    window = window or booking_window(prison, clock)
    if slot.date not in window:
        raise Refused("outside_window", earliest=window.earliest, latest=window.latest)


def session_must_not_be_closed(slot: VisitSlot) -> None:
    if slot.closed_reason is not None:
        raise Refused("session_closed")


def visitors_must_be_entitled(session: Session, prisoner: Prisoner, visitors: list[Visitor],
                              slot: VisitSlot, approved: set[int] | None = None) -> None:
    """Social visitors must be on the approved list; a professional visit needs professionals.
    A visitor banned until a date can visit on or after that date."""
    if slot.kind == PROFESSIONAL:
        for visitor in visitors:
            if not visitor.is_professional:
                raise Refused("not_professional")
    else:
        approved = approved if approved is not None else set(session.scalars(select(
            ApprovedVisitor.visitor_id).where(
            ApprovedVisitor.prisoner_id == prisoner.id, ApprovedVisitor.approved.is_(True),
            ApprovedVisitor.visitor_id.in_([v.id for v in visitors]))))
        for visitor in visitors:
            if visitor.id not in approved:
                raise Refused("not_approved", name=visitor.name)
    for visitor in visitors:
        banned_visitor_cannot_visit_before_ban_ends(visitor, slot.date)


def banned_visitor_cannot_visit_before_ban_ends(visitor: Visitor, day: date) -> None:
    if visitor.banned_until is None or day >= visitor.banned_until:
        return
    if visitor.banned_until >= INDEFINITE:
        raise Refused("banned_indefinitely", name=visitor.name)
    raise Refused("banned", name=visitor.name, until=visitor.banned_until)


def closed_restriction(prisoner: Prisoner, visitors: list[Visitor]) -> str:
    """Why this visit may only use closed tables ("" if it may be open)."""
    if prisoner.closed_visits_only:
        return "because_prisoner_closed"
    if any(v.closed_visits_only for v in visitors):
        return "because_visitor_closed"
    return ""


def session_must_be_open_to_this_visit(slot: VisitSlot, closed_because: str) -> None:
    """A restricted visit needs a session with closed tables. (Social visitors in a professional
    session are already refused by visitors_must_be_entitled; a professional who is also on the
    approved list, a solicitor who is family, may book a social session.)"""
    if closed_because and slot.closed_tables == 0:
        raise Refused("closed_visits_only", because=Phrase(closed_because))


def prisoner_must_have_a_visiting_order(prisoner: Prisoner) -> None:
    if prisoner.vo_balance < 1:
        raise Refused("no_vo_left", next_due=prisoner.vo_renewal_date or Phrase("next_renewal"))


def request_reason(visitors: list[Visitor], needs_staff_for_tables: bool) -> str:
    """A flagged visitor, a restriction under review, or a party needing two tables where the
    prison does not allow it: booked as a request for staff to approve."""
    if any(v.public_protection_flag for v in visitors):
        return "public protection"
    if any(v.restriction_under_review for v in visitors):
        return "restriction under review"
    if needs_staff_for_tables:
        return "large family: two tables"
    return ""


def is_remand(prisoner: Prisoner) -> bool:
    return prisoner.legal_status == REMAND
