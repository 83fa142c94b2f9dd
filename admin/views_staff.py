"""Staff accounts (administrators): who may use these pages, for which prisons."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.models import Prison
from core.staff import ADMIN, Invalid, create_staff, staff_accounts

from .helpers import admin_only, container, form_bool, form_text, parse_int


def register(bp) -> None:
    bp.add_url_rule("/staff", "staff", staff, methods=["GET", "POST"])


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
        return render_template("admin/staff.html", accounts=staff_accounts(db), admin=ADMIN,
                               prisons=list(db.scalars(select(Prison).order_by(Prison.name))),
                               error=error, values=request.form), 400 if error else 200
