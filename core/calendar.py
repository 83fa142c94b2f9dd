"""What is already booked around a visit: the facts behind the double-booking,
non-association and remand-limit rules, loaded once for a range of dates."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .errors import Refused
from .models import (ACTIVE_STATES, SOCIAL, ApprovedVisitor, Booking, BookingVisitor, NonAssociation, Prison,
                     Prisoner, Visitor, VisitSlot)


@dataclass
class Calendar:
    prisoner_slot_ids: set[int] = field(default_factory=set)
    # Days on which a prisoner this one must not meet has a visit at this prison.
    non_association_days: set[date] = field(default_factory=set)
    visitor_busy: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    remand_visits_by_week: Counter = field(default_factory=Counter)
    # Those of the party on the prisoner's approved list: read once, not once per slot.
    approved_visitor_ids: set[int] | None = None

    def check(self, prison: Prison, prisoner: Prisoner, visitors: list[Visitor],
              slot: VisitSlot) -> None:
        """Non-association, double booking, remand weekly limit: in that order."""
        if slot.date in self.non_association_days:
            raise Refused("non_association")
        if slot.id in self.prisoner_slot_ids:
            raise Refused("prisoner_already_booked")
        for visitor in visitors:
            for starts, ends in self.visitor_busy.get(visitor.id, ()):
                if starts < slot.ends_at and slot.starts_at < ends:
                    raise Refused("visitor_already_booked", name=visitor.name)
        if prisoner.legal_status == "remand" and slot.kind == SOCIAL and \
                self.remand_visits_by_week[monday_of(slot.date)] >= prison.remand_visits_per_week:
            raise Refused("remand_weekly_limit", limit=prison.remand_visits_per_week)


def load_calendar(session: Session, prisoner: Prisoner, visitor_ids: list[int],
                  first: date, last: date) -> Calendar:
    calendar = Calendar()
    week_start, week_end = monday_of(first), monday_of(last) + timedelta(days=6)
    for slot_id, day, kind in session.execute(
            select(Booking.slot_id, VisitSlot.date, Booking.kind)
            .join(VisitSlot, Booking.slot_id == VisitSlot.id)
            .where(Booking.prisoner_id == prisoner.id, Booking.status.in_(ACTIVE_STATES),
                   VisitSlot.date >= week_start, VisitSlot.date <= week_end)):
        calendar.prisoner_slot_ids.add(slot_id)
        if kind == SOCIAL:
            calendar.remand_visits_by_week[monday_of(day)] += 1
    others = _non_associates(session, prisoner.id)
    if others:
        calendar.non_association_days = set(session.scalars(
            select(VisitSlot.date).join(Booking, Booking.slot_id == VisitSlot.id)
            .where(Booking.prisoner_id.in_(others), Booking.status.in_(ACTIVE_STATES),
                   VisitSlot.prison_id == prisoner.prison_id,
                   VisitSlot.date >= first, VisitSlot.date <= last)))
    for visitor_id, starts, ends in session.execute(
            select(BookingVisitor.visitor_id, VisitSlot.starts_at, VisitSlot.ends_at)
            .join(Booking, BookingVisitor.booking_id == Booking.id)
            .join(VisitSlot, Booking.slot_id == VisitSlot.id)
            .where(BookingVisitor.visitor_id.in_(visitor_ids),
                   Booking.status.in_(ACTIVE_STATES),
                   VisitSlot.date >= first - timedelta(days=1),
                   VisitSlot.date <= last + timedelta(days=1))):
        calendar.visitor_busy.setdefault(visitor_id, []).append((starts, ends))
    calendar.approved_visitor_ids = set(session.scalars(select(ApprovedVisitor.visitor_id).where(
        ApprovedVisitor.prisoner_id == prisoner.id, ApprovedVisitor.approved.is_(True),
        ApprovedVisitor.visitor_id.in_(visitor_ids))))
    return calendar


def _non_associates(session: Session, prisoner_id: int) -> list[int]:
    rows = session.execute(select(NonAssociation.prisoner_id, NonAssociation.other_prisoner_id)
                           .where(or_(NonAssociation.prisoner_id == prisoner_id,
                                      NonAssociation.other_prisoner_id == prisoner_id)))
    return [b if a == prisoner_id else a for a, b in rows]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
