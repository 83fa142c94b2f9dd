"""Escalations and callbacks: callers waiting or put through, and callback requests."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from core.models import Prison, Visitor
from core.staff import Invalid
from core.staff_work import escalations_for, mark_called_back

from .helpers import access, container, form_text


def register(bp) -> None:
    bp.add_url_rule("/escalations", "escalations", escalations)
    bp.add_url_rule("/escalations/<int:escalation_id>/called-back", "called_back", called_back,
                    methods=["POST"])


def escalations(error: Invalid | None = None, failed_id: int | None = None, status: int = 200):
    with container().session() as db:
        shown = escalations_for(db, access(), include_done=request.args.get("all") == "1")
        visitors = {v.id: v for v in _by_id(db, Visitor, [e.visitor_id for e in shown])}
        prisons = {p.id: p for p in _by_id(db, Prison, [e.prison_id for e in shown])}
        return render_template("admin/escalations.html", escalations=shown, visitors=visitors,
                               prisons=prisons, error=error, failed_id=failed_id,
                               outcome=request.form.get("outcome", "")), status


def called_back(escalation_id: int):
    c = container()
    try:
        with c.uow() as uow:
            mark_called_back(uow, c.clock, access(), escalation_id=escalation_id,
                             outcome=form_text("outcome", 1000))
    except Invalid as problem:
        return escalations(problem, escalation_id, 400)
    flash("Marked as called back.")
    return redirect(url_for("admin.escalations"))


def _by_id(db, model, ids):
    wanted = {i for i in ids if i is not None}
    return [db.get(model, i) for i in wanted]
