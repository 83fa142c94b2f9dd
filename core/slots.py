"""Visit slots: weekly session templates, minus closures, made into rows up to a date."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .clock import Clock, at_local, local_today
from .models import Closure, Prison, SessionTemplate, VisitSlot
from .window import MAX_ADVANCE_DAYS


def ensure_visit_slots(session: Session, prison: Prison, clock: Clock,
                       until: date | None = None) -> None:
    """Make sure every session up to `until` (default: the end of the longest window) exists.
    Concurrent callers may both try: existing rows are left as they are. Whoever makes them
    holds the prison's row first, as the daily visits lists do (every prison, by id, then the
    slots): making the slots first and marking the prison after deadlocks against that."""
    today = local_today(clock)
    until = until or today + timedelta(days=MAX_ADVANCE_DAYS)
    if prison.slots_generated_until and prison.slots_generated_until >= until:
        return
    made_until = session.execute(select(Prison.slots_generated_until)
                                 .where(Prison.id == prison.id).with_for_update()).scalar()
    if made_until and made_until >= until:
        prison.slots_generated_until = made_until      # made meanwhile by another caller
        return
    start = max(today, (made_until or today - timedelta(days=1)) + timedelta(days=1))
    rows = list(_slot_rows(session, prison, start, until))
    if rows:
        session.execute(_insert_ignoring_duplicates(session, rows))
    prison.slots_generated_until = until
    session.flush()


def apply_closure(session: Session, closure: Closure) -> list[int]:
    """Close the slots a closure covers; the ids of slots it closed."""
    query = select(VisitSlot.id).where(
        VisitSlot.prison_id == closure.prison_id, VisitSlot.closed_reason.is_(None),
        VisitSlot.date >= closure.first_date, VisitSlot.date <= closure.last_date)
    if closure.template_id is not None:
        query = query.where(VisitSlot.template_id == closure.template_id)
    slot_ids = list(session.scalars(query))
    if slot_ids:
        session.execute(update(VisitSlot).where(VisitSlot.id.in_(slot_ids))
                        .values(closed_reason=closure.reason or "closed")
                        .execution_options(synchronize_session=False))
    return slot_ids


def _slot_rows(session: Session, prison: Prison, start: date, until: date):
    templates = session.scalars(select(SessionTemplate).where(
        SessionTemplate.prison_id == prison.id, SessionTemplate.valid_from <= until,
        or_(SessionTemplate.valid_to.is_(None), SessionTemplate.valid_to >= start))).all()
    closures = session.scalars(select(Closure).where(
        Closure.prison_id == prison.id, Closure.first_date <= until,
        Closure.last_date >= start)).all()
    day = start
    while day <= until:
        for template in templates:
            if template.weekday == day.weekday() and _in_force(template, day):
                yield _row(prison, template, day, _closure_reason(closures, template, day))
        day += timedelta(days=1)


def _in_force(template: SessionTemplate, day: date) -> bool:
    return template.valid_from <= day and (template.valid_to is None or day <= template.valid_to)


def _closure_reason(closures: list[Closure], template: SessionTemplate, day: date) -> str | None:
    for closure in closures:
        if closure.first_date <= day <= closure.last_date and \
                closure.template_id in (None, template.id):
            return closure.reason or "closed"
    return None


def _row(prison: Prison, template: SessionTemplate, day: date, closed_reason: str | None) -> dict:
    return dict(prison_id=prison.id, template_id=template.id, date=day,
                starts_at=at_local(day, template.start_time),
                ends_at=at_local(day, template.end_time), kind=template.kind,
                open_tables=template.open_tables, closed_tables=template.closed_tables,
                open_taken=0, closed_taken=0, closed_reason=closed_reason)


def _insert_ignoring_duplicates(session: Session, rows: list[dict]):
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(VisitSlot).values(rows).on_conflict_do_nothing(
        index_elements=["template_id", "date"])
