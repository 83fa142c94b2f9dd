"""What is already booked around a visit: the facts behind the double-booking,
non-association and remand-limit rules, loaded once for a range of dates."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (Date, Integer, String, bindparam, cast, literal_column, null, select,
                        union, union_all)
from sqlalchemy.orm import Session

from .errors import Refused
from .models import (ACTIVE_STATES, SOCIAL, ApprovedVisitor, Booking, BookingVisitor,
                     NonAssociation, Prison, Prisoner, UTCDateTime, Visitor, VisitSlot)


@dataclass
class Calendar:
    prisoner_slot_ids: set[int] = field(default_factory=set)
    # Days on which a prisoner this one must not meet has a visit at this prison.
    non_association_days: set[date] = field(default_factory=set)
    visitor_busy: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    remand_visits_by_week: Counter = field(default_factory=Counter)
    # Those of the party on the prisoner's approved list: read once, not once per slot.
    approved_visitor_ids: set[int] | None = None
    # The party's own rules checked for a date and kind (core.rules): a result or a refusal.
    party_checks: dict = field(default_factory=dict)

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
    """Everything the calendar needs for these dates, in one statement."""
    calendar = Calendar(approved_visitor_ids=set())
    busy = calendar.visitor_busy
    for part, ref, day, starts, ends, kind in session.execute(_CALENDAR, {
            "prisoner_id": prisoner.id, "prison_id": prisoner.prison_id,
            "visitor_ids": visitor_ids, "first": first, "last": last,
            "week_start": monday_of(first), "week_end": monday_of(last) + timedelta(days=6),
            "busy_first": first - timedelta(days=1), "busy_last": last + timedelta(days=1)}):
        if part == _PRISONER:
            calendar.prisoner_slot_ids.add(ref)
            if kind == SOCIAL:
                calendar.remand_visits_by_week[monday_of(day)] += 1
        elif part == _NON_ASSOCIATE:
            calendar.non_association_days.add(day)
        elif part == _VISITOR:
            busy.setdefault(ref, []).append((starts, ends))
        else:
            calendar.approved_visitor_ids.add(ref)
    return calendar


_PRISONER, _NON_ASSOCIATE, _VISITOR, _APPROVED = 1, 2, 3, 4


def _calendar_statement():
    """Four parts told apart by their first column, as (part, id, date, starts, ends, kind):
    the prisoner's active bookings in the weeks of the dates (slot, date, kind); the dates on
    which a prisoner they must not meet has a visit at their prison; each visitor's active
    bookings a day either side (visitor, starts, ends); those of the party on the prisoner's
    approved list (visitor). Built once; every value is a bind parameter but the active states,
    written out so PostgreSQL may use the partial indexes on them in a cached plan."""
    bookings, slots, parties = Booking.__table__, VisitSlot.__table__, BookingVisitor.__table__
    booking, slot, party = bookings.c, slots.c, parties.c
    approved, apart = ApprovedVisitor.__table__.c, NonAssociation.__table__.c
    active = booking.status.in_([literal_column(f"'{state}'") for state in ACTIVE_STATES])
    prisoner_id, visitor_ids = bindparam("prisoner_id"), bindparam("visitor_ids", expanding=True)

    def row(part, ref=None, day=None, starts=None, ends=None, kind=None):
        return (literal_column(str(part), Integer).label("part"),
                ref if ref is not None else cast(null(), Integer),
                day if day is not None else cast(null(), Date),
                starts if starts is not None else cast(null(), UTCDateTime),
                ends if ends is not None else cast(null(), UTCDateTime),
                kind if kind is not None else cast(null(), String))

    others = union(select(apart.other_prisoner_id).where(apart.prisoner_id == prisoner_id),
                   select(apart.prisoner_id).where(apart.other_prisoner_id == prisoner_id))
    return union_all(
        select(*row(_PRISONER, ref=booking.slot_id, day=slot.date, kind=booking.kind))
        .select_from(bookings.join(slots, booking.slot_id == slot.id))
        .where(booking.prisoner_id == prisoner_id, active,
               slot.date >= bindparam("week_start"), slot.date <= bindparam("week_end")),
        select(*row(_NON_ASSOCIATE, day=slot.date))
        .select_from(bookings.join(slots, booking.slot_id == slot.id))
        .where(booking.prisoner_id.in_(others), active,
               slot.prison_id == bindparam("prison_id"),
               slot.date >= bindparam("first"), slot.date <= bindparam("last")),
        select(*row(_VISITOR, ref=party.visitor_id, starts=slot.starts_at, ends=slot.ends_at))
        .select_from(parties.join(bookings, party.booking_id == booking.id)
                     .join(slots, booking.slot_id == slot.id))
        .where(party.visitor_id.in_(visitor_ids), active,
               slot.date >= bindparam("busy_first"), slot.date <= bindparam("busy_last")),
        select(*row(_APPROVED, ref=approved.visitor_id))
        .where(approved.prisoner_id == prisoner_id, approved.approved.is_(True),
               approved.visitor_id.in_(visitor_ids)))


_CALENDAR = _calendar_statement()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
