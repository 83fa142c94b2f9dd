"""The capacity guard: tables are taken and given back by conditional UPDATEs on the slot row.

Count-then-insert overbooks under concurrency (DESIGN.md: 44-50 bookings for 10 places on
SQLite, 40-43 on PostgreSQL). A single `UPDATE ... WHERE taken + n <= tables` is atomic on
both databases, so the row count alone says whether the tables were free.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .clock import Clock
from .models import HELD, LAPSED, Hold, VisitSlot


def take_tables(session: Session, slot_id: int, tables: int, closed: bool) -> bool:
    taken, total = _columns(closed)
    result = session.execute(
        update(VisitSlot)
        .where(VisitSlot.id == slot_id, VisitSlot.closed_reason.is_(None),
               taken + tables <= total)
        .values({taken.key: taken + tables})
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def release_place(session: Session, slot_id: int, tables: int, closed: bool) -> None:
    """Give tables back to the slot at once, for the next caller."""
    taken, _ = _columns(closed)
    session.execute(
        update(VisitSlot)
        .where(VisitSlot.id == slot_id, taken >= tables)
        .values({taken.key: taken - tables})
        .execution_options(synchronize_session=False))


def lapse_expired_holds(session: Session, clock: Clock, slot_id: int | None = None) -> int:
    """End holds whose time ran out and give their tables back. Safe to run concurrently:
    only the transaction that moves a hold out of 'held' gives its tables back."""
    query = select(Hold.id, Hold.slot_id, Hold.tables, Hold.closed).where(
        Hold.status == HELD, Hold.expires_at <= clock.now())
    if slot_id is not None:
        query = query.where(Hold.slot_id == slot_id)
    lapsed = 0
    for hold_id, hold_slot, tables, closed in session.execute(query).all():
        if end_hold(session, hold_id, LAPSED):
            release_place(session, hold_slot, tables, closed)
            lapsed += 1
    return lapsed


def end_hold(session: Session, hold_id: int, new_status: str) -> bool:
    """Move a hold out of 'held'; True only for the one transaction that did it."""
    result = session.execute(
        update(Hold).where(Hold.id == hold_id, Hold.status == HELD)
        .values(status=new_status).execution_options(synchronize_session=False))
    return result.rowcount == 1


def expired_hold_tables(now, closed: bool):
    """A column for a query over visit slots: tables the slot's holds that have run out by `now`
    (an instant, or a bind parameter for one) still count, open or closed: free in truth. Read
    with the slots, not in a query of its own."""
    hold, slot = Hold.__table__.c, VisitSlot.__table__
    return (select(func.coalesce(func.sum(hold.tables), 0))
            .where(hold.slot_id == slot.c.id, hold.closed == closed, hold.status == HELD,
                   hold.expires_at <= now)
            .correlate(slot).scalar_subquery())


def _columns(closed: bool):
    if closed:
        return VisitSlot.closed_taken, VisitSlot.closed_tables
    return VisitSlot.open_taken, VisitSlot.open_tables
