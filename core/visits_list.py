"""The visits list (spec row 4): who is coming to one prison on one day, session by session —
what the prison runs the visit from, on screen, printed and as CSV."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import LONDON, Clock
from .models import ATTENDED, BOOKED, NO_SHOW, REQUESTED, Booking, Prison, VisitSlot
from .slots import ensure_visit_slots

ON_THE_LIST = (BOOKED, REQUESTED, ATTENDED, NO_SHOW)


@dataclass(frozen=True)
class ListedVisitor:
    name: str
    date_of_birth: date
    relationship: str
    id_status: str
    lead: bool
    flags: tuple[str, ...]
    support_needs: str


@dataclass(frozen=True)
class ListedVisit:
    booking_id: int
    reference: str
    status: str
    prisoner: str
    prisoner_number: str
    location: str
    closed: bool
    tables: int
    support_needs: str
    visitors: tuple[ListedVisitor, ...]


@dataclass
class ListedSession:
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    kind: str
    closed_reason: str | None
    open_tables: int
    closed_tables: int
    open_taken: int
    closed_taken: int
    visits: list[ListedVisit] = field(default_factory=list)


def visits_list(session: Session, clock: Clock, *, prison: Prison, day: date,
                slot_id: int | None = None) -> list[ListedSession]:
    """Every session of the day (or the one asked for), each with its visits."""
    ensure_visit_slots(session, prison, clock)
    query = select(VisitSlot).where(VisitSlot.prison_id == prison.id, VisitSlot.date == day)
    if slot_id is not None:
        query = query.where(VisitSlot.id == slot_id)
    sessions = {slot.id: _session(slot) for slot in session.scalars(
        query.order_by(VisitSlot.starts_at, VisitSlot.id))}
    if not sessions:
        return []
    bookings = session.scalars(select(Booking).where(
        Booking.slot_id.in_(sessions), Booking.status.in_(ON_THE_LIST))
        .order_by(Booking.id))
    for booking in bookings:
        sessions[booking.slot_id].visits.append(_visit(booking))
    for listed in sessions.values():
        listed.visits.sort(key=lambda v: (v.location, v.prisoner))
    return list(sessions.values())


def _session(slot: VisitSlot) -> ListedSession:
    return ListedSession(slot.id, slot.starts_at, slot.ends_at, slot.kind, slot.closed_reason,
                         slot.open_tables, slot.closed_tables, slot.open_taken,
                         slot.closed_taken)


def _visit(booking: Booking) -> ListedVisit:
    prisoner = booking.prisoner
    return ListedVisit(
        booking.id, booking.reference, booking.status, prisoner.name, prisoner.number,
        prisoner.location, booking.closed, booking.tables, booking.support_needs,
        tuple(ListedVisitor(m.visitor.name, m.visitor.date_of_birth,
                            m.relationship_to_prisoner or ("professional" if
                                                           m.visitor.is_professional else ""),
                            m.visitor.id_status, m.position == 0, visitor_flags(m.visitor),
                            m.visitor.support_needs)
              for m in booking.party))


def visitor_flags(visitor) -> tuple[str, ...]:
    flags = []
    if visitor.public_protection_flag:
        flags.append("public protection")
    if visitor.restriction_under_review:
        flags.append("restriction under review")
    if visitor.closed_visits_only:
        flags.append("closed visits only")
    if visitor.professional_role:
        flags.append(visitor.professional_role)
    return tuple(flags)


CSV_HEADER = ("session", "reference", "status", "prisoner", "prison number", "location",
              "open or closed", "tables", "visitor", "lead", "date of birth", "relationship",
              "ID status", "flags", "support needs")


def csv_rows(sessions: list[ListedSession]):
    """One row per visitor (the list the gate checks people against)."""
    for listed in sessions:
        when = (f"{listed.starts_at.astimezone(LONDON):%H:%M}-"
                f"{listed.ends_at.astimezone(LONDON):%H:%M}")
        for visit in listed.visits:
            for person in visit.visitors:
                needs = "; ".join(n for n in (visit.support_needs, person.support_needs) if n)
                yield (when, visit.reference, visit.status, visit.prisoner,
                       visit.prisoner_number, visit.location,
                       "closed" if visit.closed else "open", visit.tables, person.name,
                       "yes" if person.lead else "", person.date_of_birth.isoformat(),
                       person.relationship, person.id_status, "; ".join(person.flags), needs)
