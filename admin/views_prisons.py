"""Prisons (administrators): the booking window, adult age, reminders, visiting orders by
incentive level, session templates and capacities, and closures (listing the bookings they end
before they are confirmed)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.closures import add_closure, affected_bookings, closures_for, plan_closure
from core.models import Prison
from core.prisons_admin import (add_session_template, change_capacity, end_session_template,
                                set_visiting_order_allowances, templates_for,
                                update_prison_settings)
from core.staff import Invalid

from .helpers import admin_only, container, form_bool, form_text, parse_date, parse_int, \
    parse_time

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def register(bp) -> None:
    bp.add_url_rule("/prisons", "prisons", prisons)
    bp.add_url_rule("/prisons/<code>", "prison", prison)
    bp.add_url_rule("/prisons/<code>/<action>", "prison_change", prison_change,
                    methods=["POST"])
    bp.add_url_rule("/prisons/<code>/closures/check", "closure_check", closure_check,
                    methods=["POST"])


def prisons():
    admin_only()
    with container().session() as db:
        return render_template("admin/prisons.html",
                               prisons=list(db.scalars(select(Prison).order_by(Prison.name))))


def _prison(db, code: str) -> Prison:
    found = db.scalar(select(Prison).where(Prison.code == code.upper()))
    if found is None:
        abort(404)
    return found


def prison(code: str, error: Invalid | None = None, form: str = "", status: int = 200):
    admin_only()
    c = container()
    with c.session() as db:
        found = _prison(db, code)
        return render_template("admin/prison.html", prison=found, weekdays=WEEKDAYS,
                               templates=templates_for(db, found.id),
                               closures=closures_for(db, found.id, c.clock), error=error,
                               form=form, values=request.form), status


# Each change made by a form on the prison's page: it does the change and says what it did.

def _settings(uow, c, who, found) -> str:
    update_prison_settings(
        uow, c.clock, who, prison_id=found.id,
        min_notice_days=parse_int(request.form.get("min_notice_days"), "min_notice_days"),
        notice_in_working_days=form_bool("notice_in_working_days"),
        notice_cutoff=parse_time(request.form.get("notice_cutoff"), "notice_cutoff"),
        max_advance_days=parse_int(request.form.get("max_advance_days"), "max_advance_days"),
        adult_age=parse_int(request.form.get("adult_age"), "adult_age"),
        reminder_offsets=form_text("reminder_offsets", 40),
        allows_two_tables=form_bool("allows_two_tables"))
    return "Settings saved."


def _visiting_orders(uow, c, who, found) -> str:
    f = request.form
    set_visiting_order_allowances(
        uow, c.clock, who, prison_id=found.id,
        basic=parse_int(f.get("vo_allowance_basic"), "vo_allowance_basic"),
        standard=parse_int(f.get("vo_allowance_standard"), "vo_allowance_standard"),
        enhanced=parse_int(f.get("vo_allowance_enhanced"), "vo_allowance_enhanced"))
    return "Visiting orders saved. Each prisoner gets the new figure at their next renewal."


def _add_template(uow, c, who, found) -> str:
    f = request.form
    add_session_template(
        uow, c.clock, who, prison_id=found.id,
        weekday=parse_int(f.get("weekday"), "weekday"), start=parse_time(f.get("start"), "start"),
        end=parse_time(f.get("end"), "end"), valid_from=parse_date(f.get("valid_from"),
                                                                    "valid_from"),
        valid_to=parse_date(f.get("valid_to"), "valid_to", required=False),
        open_tables=parse_int(f.get("open_tables"), "open_tables"),
        closed_tables=parse_int(f.get("closed_tables"), "closed_tables"),
        kind=form_text("kind", 20))
    return "Session added."


def _template_id(found) -> int:
    template_id = parse_int(request.form.get("template_id"), "template_id")
    if template_id not in {t.id for t in found.templates}:
        raise Invalid("Choose one of this prison's sessions.", "template_id")
    return template_id


def _capacity(uow, c, who, found) -> str:
    change_capacity(uow, c.clock, who, template_id=_template_id(found),
                    open_tables=parse_int(request.form.get("open_tables"), "open_tables"),
                    closed_tables=parse_int(request.form.get("closed_tables"), "closed_tables"))
    return "Capacity changed."


def _end(uow, c, who, found) -> str:
    end_session_template(uow, c.clock, who, template_id=_template_id(found),
                         last_date=parse_date(request.form.get("last_date"), "last_date"))
    return "The session ends on that date."


def _close(uow, c, who, found) -> str:
    """A closure, once confirmed (closure_check): sessions closed, bookings ended, visitors
    texted."""
    done = add_closure(uow, c.clock, who, _closure_plan(uow.session, c, who, found))
    return (f"Closure added: {done.slots_closed} session(s) closed, "
            f"{len(done.bookings_ended)} booking(s) cancelled and their visitors texted.")


ACTIONS = {"settings": _settings, "visiting-orders": _visiting_orders,
           "sessions": _add_template, "capacity": _capacity,
           "end-session": _end, "closures": _close}


def prison_change(code: str, action: str):
    who = admin_only()
    if action not in ACTIONS:
        abort(404)
    c = container()
    try:
        with c.uow() as uow:
            done = ACTIONS[action](uow, c, who, _prison(uow.session, code))
    except Invalid as problem:
        return prison(code, problem, action, 400)
    flash(done)
    return redirect(url_for("admin.prison", code=code.upper()))


def _closure_plan(db, c, who, found: Prison):
    f = request.form
    return plan_closure(
        db, c.clock, who, prison=found, first_date=parse_date(f.get("first_date"), "first_date"),
        last_date=parse_date(f.get("last_date"), "last_date", required=False),
        template_id=parse_int(f.get("template_id"), "template_id", required=False),
        reason=form_text("reason", 300))


def closure_check(code: str):
    """The closure checked and the bookings it would end listed, to confirm (then _close)."""
    who = admin_only()
    c = container()
    try:
        with c.uow() as uow:
            found = _prison(uow.session, code)
            plan = _closure_plan(uow.session, c, who, found)
            affected = affected_bookings(uow.session, c.clock, plan)
            uow.commit()
            return render_template("admin/closure_check.html", prison=found, plan=plan,
                                   affected=affected, weekdays=WEEKDAYS,
                                   template=next((t for t in found.templates
                                                  if t.id == plan.template_id), None))
    except Invalid as problem:
        return prison(code, problem, "closures", 400)
