"""Visitor records: find, register, approve for a prisoner, ban, flag, PIN and lockout, and
each visitor's audit log."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from core.find import bookings_for_visitor
from core.visitors_admin import (PROFESSIONAL_ROLES, approve_for_prisoner, approved_links,
                                 ban_visitor, get_visitor_for, lift_ban,
                                 register_visitor, reset_pin, search_visitors, set_flags,
                                 set_id_status, unlock_phone,
                                 visitor_audit_log)
from core.staff import Invalid

from .helpers import access, container, form_bool, form_text, parse_date


def register(bp) -> None:
    bp.add_url_rule("/visitors", "visitors", visitors)
    bp.add_url_rule("/visitors/new", "new_visitor", new_visitor, methods=["GET", "POST"])
    bp.add_url_rule("/visitors/<int:visitor_id>", "visitor", visitor)
    bp.add_url_rule("/visitors/<int:visitor_id>/<action>", "visitor_change", visitor_change,
                    methods=["POST"])


def visitors():
    q = (request.args.get("q") or "").strip()[:80]
    with container().session() as db:
        found = search_visitors(db, access(), q) if q else []
        return render_template("admin/visitors.html", q=q, found=found)


def new_visitor():
    if request.method == "GET":
        return render_template("admin/visitor_new.html", roles=PROFESSIONAL_ROLES, form={})
    c = container()
    f = request.form
    try:
        born = parse_date(f.get("date_of_birth"), "date_of_birth")
        with c.uow() as uow:
            created = register_visitor(
                uow, c.clock, c.hasher, first_name=form_text("first_name", 100),
                last_name=form_text("last_name", 100), date_of_birth=born,
                phone=form_text("phone", 40), id_checked=form_bool("id_checked"),
                professional_role=form_text("professional_role", 20),
                support_needs=form_text("support_needs", 200),
                language=form_text("language", 2) or "en", pin=form_text("pin", 10),
                actor=access().actor)
    except Invalid as problem:
        form = {k: v for k, v in f.items() if k not in ("pin", "csrf_token")}
        return render_template("admin/visitor_new.html", roles=PROFESSIONAL_ROLES, form=form,
                               error=problem), 400
    flash(f"Registered {created.name}. Now add them to a prisoner's approved list.")
    return redirect(url_for("admin.visitor", visitor_id=created.id))


def visitor(visitor_id: int, error: Invalid | None = None, form: str = "", status: int = 200):
    with container().session() as db:
        who = access()
        found = get_visitor_for(db, who, visitor_id)
        bookings = [b for b in bookings_for_visitor(db, found.id) if who.can_see(b.prison_id)]
        return render_template("admin/visitor.html", visitor=found, error=error, form=form,
                               links=approved_links(db, who, found.id), bookings=bookings,
                               log=visitor_audit_log(db, who, found.id),
                               values=request.form, now=container().clock.now()), status


ACTIONS = {
    "approve": ("Added to the approved list.", lambda uow, c, who, vid: approve_for_prisoner(
        uow, c.clock, who, visitor_id=vid, prisoner_number=form_text("prisoner_number", 10),
        relationship=form_text("relationship", 60))),
    "ban": ("Ban recorded.", lambda uow, c, who, vid: ban_visitor(
        uow, c.clock, who, visitor_id=vid, until=parse_date(
            request.form.get("until"), "until", required=False),
        indefinitely=form_bool("indefinitely"), reason=form_text("reason", 300))),
    "lift-ban": ("Ban lifted.", lambda uow, c, who, vid: lift_ban(uow, c.clock, who,
                                                                   visitor_id=vid)),
    "flags": ("Flags saved.", lambda uow, c, who, vid: set_flags(
        uow, c.clock, who, visitor_id=vid, public_protection=form_bool("public_protection"),
        under_review=form_bool("under_review"), closed_only=form_bool("closed_only"))),
    "id-status": ("ID status saved.", lambda uow, c, who, vid: set_id_status(
        uow, c.clock, who, visitor_id=vid, status=form_text("id_status", 12))),
    "pin": ("New PIN set. Tell the visitor by a safe route.", lambda uow, c, who, vid: reset_pin(
        uow, c.clock, c.hasher, who, visitor_id=vid, pin=form_text("pin", 10))),
    "unlock": ("Phone self-service unlocked.", lambda uow, c, who, vid: unlock_phone(
        uow, c.clock, who, visitor_id=vid)),
}


def visitor_change(visitor_id: int, action: str):
    if action not in ACTIONS:
        return render_template("admin/problem.html", title="Page not found",
                               text="There is nothing at this address."), 404
    done, change = ACTIONS[action]
    c = container()
    try:
        with c.uow() as uow:
            change(uow, c, access(), visitor_id)
    except Invalid as problem:
        return visitor(visitor_id, problem, action, 400)
    flash(done)
    return redirect(url_for("admin.visitor", visitor_id=visitor_id))
