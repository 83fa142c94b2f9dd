"""Short ways to say what the rule tests do: find a session, book it, hear why not.

Every helper goes through the core's own use cases with a real unit of work; nothing is faked.
The test's own `session` is committed before a use case runs, so both see one state.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.actor import PHONE, Actor
from core.booking import book_visit
from core.clock import Clock, local_today
from core.errors import Refused
from core.models import (ACTIVE_STATES, SOCIAL, AuditEvent, Booking, OutboundMessage, Prison,
                         Prisoner, PrisonerNotice, Visitor, VisitSlot)
from core.slots import ensure_visit_slots

STAFF = Actor.staff(1)

# NOW is Tuesday 1 December 2026, 10:00 in London (tests/conftest.py).
THU_3_DEC = date(2026, 12, 3)      # the earliest date with the default 2 days' notice
THU_10_DEC = date(2026, 12, 10)
LAST_DAY = date(2026, 12, 29)      # 28 days ahead


def as_visitor(visitor: Visitor, channel: str = PHONE) -> Actor:
    return Actor.visitor(visitor.id, channel)


def slot_on(session: Session, prison: Prison, clock: Clock, day: date, *,
            kind: str = SOCIAL) -> VisitSlot:
    """The one session of this kind at this prison on this day (made from the templates)."""
    until = max(day, local_today(clock) + timedelta(days=28))
    ensure_visit_slots(session, prison, clock, until=until)
    session.commit()
    return session.scalars(select(VisitSlot).where(
        VisitSlot.prison_id == prison.id, VisitSlot.date == day, VisitSlot.kind == kind)
        .order_by(VisitSlot.starts_at)).first()


def book(uow_factory, clock: Clock, *, slot: VisitSlot, prisoner: Prisoner,
         visitors: list[Visitor], actor: Actor | None = None) -> Booking:
    with uow_factory() as uow:
        return book_visit(uow, clock, slot_id=slot.id, prisoner_id=prisoner.id,
                          visitor_ids=[v.id for v in visitors],
                          actor=actor or as_visitor(visitors[0]))


def refusal(action, *args, **kwargs) -> Refused:
    """Run a use case that must be refused; the refusal."""
    with pytest.raises(Refused) as refused:
        action(*args, **kwargs)
    return refused.value


def booking_refused(uow_factory, clock: Clock, **kwargs) -> Refused:
    return refusal(book, uow_factory, clock, **kwargs)


def reread(session: Session, obj):
    """The row as the database has it now (after use cases in other sessions)."""
    session.expire_all()
    return session.get(type(obj), obj.id)


def messages(session: Session, **where) -> list[OutboundMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboundMessage).filter_by(**where)
                                .order_by(OutboundMessage.id)))


def notices(session: Session, booking_id: int) -> list[PrisonerNotice]:
    return list(session.scalars(select(PrisonerNotice)
                                .where(PrisonerNotice.booking_id == booking_id)))


def audit_actions(session: Session, entity: str, entity_id: int) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)))


def active_bookings(session: Session, slot: VisitSlot) -> int:
    return session.scalar(select(func.count(Booking.id)).where(
        Booking.slot_id == slot.id, Booking.status.in_(ACTIVE_STATES)))
