"""Staff accounts (administrators): who may use these pages, for which prisons; disabling and
enabling an account, and resetting its password. Stored hashes are never shown."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select

from core.models import Prison
from core.staff import (ADMIN, Invalid, create_staff, reset_password, set_active,
                        staff_account, staff_accounts)
from core.visitors_admin import audit_log

from .helpers import admin_only, container, form_bool, form_text, parse_int


def register(bp) -> None:
    bp.add_url_rule("/staff", "staff", staff, methods=["GET", "POST"])
    bp.add_url_rule("/staff/<int:staff_id>", "staff_member", staff_member)
    bp.add_url_rule("/staff/<int:staff_id>/<action>", "staff_change", staff_change,
                    methods=["POST"])


def staff():
    who = admin_only()
    c = container()
    error = None
    if request.method == "POST":
        try:
            with c.uow() as uow:
                made = create_staff(
                    uow, c.clock, c.hasher, username=form_text("username", 80),
                    password=request.form.get("password", "")[:200],
                    role=form_text("role", 10), all_prisons=form_bool("all_prisons"),
                    prison_ids=[parse_int(p, "prisons") for p in request.form.getlist("prisons")],
                    actor=who.actor)
            flash(f"Account {made.username} created.")
            return redirect(url_for("admin.staff"))
        except Invalid as problem:
            error = problem
    with c.session() as db:
        prisons = list(db.scalars(select(Prison).order_by(Prison.name)))
        return render_template("admin/staff.html", accounts=staff_accounts(db), admin=ADMIN,
                               prisons=prisons, names={p.id: p.name for p in prisons},
                               error=error, values=request.form), 400 if error else 200


def staff_member(staff_id: int, error: Invalid | None = None, status: int = 200):
    who = admin_only()
    with container().session() as db:
        account = staff_account(db, who, staff_id)
        names = dict(db.execute(select(Prison.id, Prison.name)).all())
        return render_template("admin/staff_member.html", account=account, admin=ADMIN,
                               names=names, log=audit_log(db, "staff", staff_id),
                               error=error), status


ACTIONS = {
    "disable": ("Account disabled: it cannot sign in, and its sessions have ended.",
                lambda uow, c, who, sid: set_active(uow, c.clock, who, staff_id=sid,
                                                    active=False)),
    "enable": ("Account enabled: it can sign in again.",
               lambda uow, c, who, sid: set_active(uow, c.clock, who, staff_id=sid,
                                                   active=True)),
    "password": ("Password reset, and the account's sessions ended. Tell the member of staff "
                 "the new password by a safe route.",
                 lambda uow, c, who, sid: reset_password(
                     uow, c.clock, c.hasher, who, staff_id=sid,
                     password=request.form.get("password", "")[:200])),
}


def staff_change(staff_id: int, action: str):
    who = admin_only()
    if action not in ACTIONS:
        abort(404)
    done, change = ACTIONS[action]
    c = container()
    try:
        with c.uow() as uow:
            generation = change(uow, c, who, staff_id).session_generation
    except Invalid as problem:
        return staff_member(staff_id, problem, 400)
    if staff_id == who.staff_id:
        session["generation"] = generation       # your own password reset: this session goes on
    flash(done)
    return redirect(url_for("admin.staff_member", staff_id=staff_id))
