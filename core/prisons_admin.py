"""A prison's settings, kept by administrators: the booking window, who counts as an adult at
a table, when reminders go, the visiting orders each incentive level gets, and the weekly
session templates with their capacities."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import case, func, select, update

from .audit import record, snapshot
from .clock import Clock, local_today
from .entitlement import STATUTORY_MINIMUM_VISITING_ORDERS
from .models import (ACTIVE_STATES, PROFESSIONAL, SOCIAL, Booking, Prison, SessionTemplate,
                     VisitSlot)
from .slots import ensure_visit_slots
from .staff import Access, Invalid
from .uow import UnitOfWork
from .window import MAX_ADVANCE_DAYS

ADULT_AGES = range(10, 19)
MOST_VISITING_ORDERS = 30
WITHDRAWN_REASON = "session withdrawn"


def update_prison_settings(uow: UnitOfWork, clock: Clock, access: Access, *, prison_id: int,
                           min_notice_days: int | None, notice_in_working_days: bool,
                           max_advance_days: int | None, adult_age: int | None,
                           reminder_offsets: str, allows_two_tables: bool,
                           notice_cutoff: time | None = None) -> Prison:
    access.check_admin()
    if min_notice_days is None or not 0 <= min_notice_days <= 14:
        raise Invalid("The minimum notice is 0 to 14 days.", "min_notice_days")
    if max_advance_days is None or not 1 <= max_advance_days <= MAX_ADVANCE_DAYS:
        raise Invalid(f"The maximum advance is 1 to {MAX_ADVANCE_DAYS} days.",
                      "max_advance_days")
    if max_advance_days < min_notice_days:
        raise Invalid("The maximum advance must be at least the minimum notice.",
                      "max_advance_days")
    if adult_age not in ADULT_AGES:
        raise Invalid("Who counts as an adult at a table: an age from 10 to 18.", "adult_age")
    offsets = parse_offsets(reminder_offsets)
    prison = uow.session.get(Prison, prison_id)
    fields = ("min_notice_days", "notice_in_working_days", "notice_cutoff", "max_advance_days",
              "adult_age", "reminder_offsets_hours", "allows_two_tables")
    before = snapshot(prison, *fields)
    prison.min_notice_days, prison.notice_in_working_days = min_notice_days, notice_in_working_days
    prison.notice_cutoff = notice_cutoff
    prison.max_advance_days, prison.adult_age = max_advance_days, adult_age
    prison.reminder_offsets_hours = ",".join(str(h) for h in offsets)
    prison.allows_two_tables = allows_two_tables
    record(uow.session, clock, access.actor, "prison", prison.id, "settings_changed",
           before=before, after=snapshot(prison, *fields))
    uow.commit()
    return prison


def set_visiting_order_allowances(uow: UnitOfWork, clock: Clock, access: Access, *,
                                  prison_id: int, basic: int | None, standard: int | None,
                                  enhanced: int | None) -> Prison:
    """Visiting orders per renewal for each incentive level. Balances are not touched: each
    prisoner gets the new figure at their next renewal (core.entitlement)."""
    access.check_admin()
    given = {"vo_allowance_basic": basic, "vo_allowance_standard": standard,
             "vo_allowance_enhanced": enhanced}
    for field, orders in given.items():
        _check_visiting_orders(orders, field)
    prison = uow.session.get(Prison, prison_id)
    before = snapshot(prison, *given)
    for field, orders in given.items():
        setattr(prison, field, orders)
    record(uow.session, clock, access.actor, "prison", prison.id, "visiting_orders_changed",
           before=before, after=snapshot(prison, *given))
    uow.commit()
    return prison


def _check_visiting_orders(orders: int | None, field: str) -> None:
    low, high = STATUTORY_MINIMUM_VISITING_ORDERS, MOST_VISITING_ORDERS
    if orders is None or not low <= orders <= high:
        raise Invalid(f"Visiting orders per renewal: a number from {low} to {high}; never "
                      f"below {low}, the statutory minimum of {low} visits every 4 weeks.", field)


def parse_offsets(text: str) -> list[int]:
    """"168, 48" -> [168, 48]: hours before a visit, each 1 to 672 (28 days), at most 4."""
    try:
        hours = sorted({int(part) for part in (text or "").replace(" ", "").split(",") if part},
                       reverse=True)
    except ValueError:
        raise Invalid("Reminder times are whole numbers of hours, separated by commas "
                      "(e.g. 168, 48).", "reminder_offsets") from None
    if len(hours) > 4 or any(not 1 <= h <= 24 * MAX_ADVANCE_DAYS for h in hours):
        raise Invalid("Up to 4 reminder times, each 1 to 672 hours before the visit.",
                      "reminder_offsets")
    return hours


def add_session_template(uow: UnitOfWork, clock: Clock, access: Access, *, prison_id: int,
                         weekday: int | None, start: time | None, end: time | None,
                         valid_from: date | None, valid_to: date | None,
                         open_tables: int | None, closed_tables: int | None,
                         kind: str) -> SessionTemplate:
    access.check_admin()
    if weekday is None or not 0 <= weekday <= 6:
        raise Invalid("Choose the day of the week.", "weekday")
    if start is None or end is None or end <= start:
        raise Invalid("Give a start and an end time, the end after the start.", "end")
    if valid_from is None:
        raise Invalid("Give the date the session starts.", "valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise Invalid("The last date must be on or after the first.", "valid_to")
    _check_tables(open_tables, closed_tables)
    if kind not in (SOCIAL, PROFESSIONAL):
        raise Invalid("Choose social or professional.", "kind")
    session = uow.session
    template = SessionTemplate(prison_id=prison_id, weekday=weekday, start_time=start,
                               end_time=end, valid_from=valid_from, valid_to=valid_to,
                               open_tables=open_tables, closed_tables=closed_tables, kind=kind)
    session.add(template)
    session.flush()
    prison = session.get(Prison, prison_id)
    prison.slots_generated_until = None   # make this session's slots in the window now
    ensure_visit_slots(session, prison, clock)
    record(session, clock, access.actor, "prison", prison_id, "session_added",
           after=snapshot(template))
    uow.commit()
    return template


def _check_tables(open_tables: int | None, closed_tables: int | None) -> None:
    if open_tables is None or not 0 <= open_tables <= 200:
        raise Invalid("Open tables: a number from 0 to 200.", "open_tables")
    if closed_tables is None or not 0 <= closed_tables <= 50:
        raise Invalid("Closed tables: a number from 0 to 50.", "closed_tables")
    if open_tables + closed_tables == 0:
        raise Invalid("A session needs at least one table.", "open_tables")


def change_capacity(uow: UnitOfWork, clock: Clock, access: Access, *, template_id: int,
                    open_tables: int | None, closed_tables: int | None) -> SessionTemplate:
    """New capacities for the session and its slots from today; a slot already holding more
    tables than the new capacity keeps what it holds (nobody is bumped)."""
    access.check_admin()
    _check_tables(open_tables, closed_tables)
    session = uow.session
    template = _template(session, template_id)
    before = snapshot(template, "open_tables", "closed_tables")
    template.open_tables, template.closed_tables = open_tables, closed_tables
    session.execute(update(VisitSlot).where(
        VisitSlot.template_id == template_id, VisitSlot.date >= local_today(clock))
        .values(open_tables=case((VisitSlot.open_taken > open_tables, VisitSlot.open_taken),
                                 else_=open_tables),
                closed_tables=case((VisitSlot.closed_taken > closed_tables,
                                    VisitSlot.closed_taken), else_=closed_tables))
        .execution_options(synchronize_session=False))
    record(session, clock, access.actor, "prison", template.prison_id, "capacity_changed",
           before=before | {"template": template_id},
           after=snapshot(template, "open_tables", "closed_tables"))
    uow.commit()
    return template


def end_session_template(uow: UnitOfWork, clock: Clock, access: Access, *, template_id: int,
                         last_date: date | None) -> SessionTemplate:
    """The session runs no more after `last_date`. Refused while visits are booked after it:
    a closure ends those, telling each visitor."""
    access.check_admin()
    session = uow.session
    template = _template(session, template_id)
    if last_date is None or last_date < local_today(clock):
        raise Invalid("Give the last date the session runs, today or later.", "last_date")
    later = (VisitSlot.template_id == template_id, VisitSlot.date > last_date)
    booked = session.scalar(select(func.count(Booking.id)).join(
        VisitSlot, VisitSlot.id == Booking.slot_id).where(
        *later, Booking.status.in_(ACTIVE_STATES)))
    if booked:
        raise Invalid(f"{booked} visit(s) are booked in this session after that date. Add a "
                      "closure for those dates first, so the visitors are told.", "last_date")
    before = snapshot(template, "valid_to")
    template.valid_to = last_date
    session.execute(update(VisitSlot).where(*later, VisitSlot.closed_reason.is_(None))
                    .values(closed_reason=WITHDRAWN_REASON)
                    .execution_options(synchronize_session=False))
    record(session, clock, access.actor, "prison", template.prison_id, "session_ended",
           before=before | {"template": template_id}, after=snapshot(template, "valid_to"))
    uow.commit()
    return template


def _template(session, template_id: int) -> SessionTemplate:
    template = session.get(SessionTemplate, template_id)
    if template is None:
        raise Invalid("There is no such session.", "template_id")
    return template


def templates_for(session, prison_id: int) -> list[SessionTemplate]:
    return list(session.scalars(select(SessionTemplate).where(
        SessionTemplate.prison_id == prison_id).order_by(
        SessionTemplate.kind.desc(), SessionTemplate.weekday, SessionTemplate.start_time)))
