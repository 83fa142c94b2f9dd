"""Bookings: find, look at, cancel, approve or reject; book on a visitor's behalf; the
requests waiting for a decision and the waiting list."""
from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.cancel import cancel_booking
from core.errors import Refused
from core.find import bookings_for_prisoner, bookings_for_visitor, find_booking_by_reference
from core.models import Booking, Prisoner, Visitor, VisitSlot
from core.requests import approve_request, reject_request
from core.staff import Invalid
from core.staff_work import pending_requests, waiting_list_for
from core.visitors_admin import audit_log, search_visitors

from .helpers import (access, chosen_prison, container, form_text, query_date,
                      visible_booking)
from .views_book import register as register_booking_on_behalf

PRISONER_NUMBER = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
NOT_FOUND = "No booking has that reference."


def register(bp) -> None:
    bp.add_url_rule("/bookings", "bookings", bookings)
    bp.add_url_rule("/bookings/<int:booking_id>", "booking", booking)
    bp.add_url_rule("/bookings/<int:booking_id>/cancel", "cancel", cancel, methods=["POST"])
    bp.add_url_rule("/bookings/<int:booking_id>/approve", "approve", approve, methods=["POST"])
    bp.add_url_rule("/bookings/<int:booking_id>/reject", "reject", reject, methods=["POST"])
    bp.add_url_rule("/requests", "requests", requests_page)
    bp.add_url_rule("/waiting-list", "waiting_list", waiting_list)
    register_booking_on_behalf(bp)


def bookings():
    q = (request.args.get("q") or "").strip()[:80]
    error, results = None, []
    with container().session() as db:
        if q:
            try:
                results = _find(db, q)
            except Refused as refusal:
                error = NOT_FOUND if refusal.reason == "booking_not_found" else refusal.message()
            if not results and error is None:
                error = "Nothing found. Try a booking reference, a prison number or a name."
        return render_template("admin/bookings.html", q=q, results=results, error=error)


def _find(db, q: str) -> list[Booking]:
    who = access()
    digits = re.sub(r"[\s-]", "", q)
    if digits.isdigit() and len(digits) <= 9:    # longer: a phone number
        found = [find_booking_by_reference(db, q)]
    elif PRISONER_NUMBER.match(q.upper()):
        prisoner = db.scalar(select(Prisoner).where(Prisoner.number == q.upper()))
        found = bookings_for_prisoner(db, prisoner.id) if prisoner else []
    else:
        found, seen = [], set()
        for visitor in search_visitors(db, who, q, limit=20):
            for b in bookings_for_visitor(db, visitor.id):
                if b.id not in seen:
                    seen.add(b.id)
                    found.append(b)
    visible = [b for b in found if who.can_see(b.prison_id)]
    if found and not visible and len(found) == 1:
        raise Refused("booking_not_found")
    return visible[:200]


def booking(booking_id: int, error: str | None = None, form: str = "", status: int = 200):
    with container().session() as db:
        found = visible_booking(db, booking_id)
        return render_template("admin/booking.html", booking=found, error=error, form=form,
                               log=audit_log(db, "booking", found.id),
                               reason=request.form.get("reason", "")), status


def _decide(booking_id: int, action, form: str, done: str, *, reason_needed: bool):
    c = container()
    reason = form_text("reason", 300)
    try:
        with c.uow() as uow:
            visible_booking(uow.session, booking_id)
            if reason_needed and not reason:
                raise Invalid("Give a reason.", "reason")
            result = action(uow, c.clock, booking_id=booking_id, actor=access().actor,
                            reason=reason)
    except Invalid as problem:
        return booking(booking_id, problem.message, form, 400)
    except Refused as refusal:
        return booking(booking_id, refusal.message(), form, 400)
    flash(done if getattr(result, "changed", True) else "Nothing changed: it had already ended.")
    return redirect(url_for("admin.booking", booking_id=booking_id))


def cancel(booking_id: int):
    return _decide(booking_id, cancel_booking, "cancel", "Cancelled. The visitor is texted and "
                   "the prisoner told.", reason_needed=True)


def approve(booking_id: int):
    return _decide(booking_id, approve_request, "approve", "Approved. The visitor is texted.",
                   reason_needed=False)


def reject(booking_id: int):
    return _decide(booking_id, reject_request, "reject", "Rejected. The visitor is texted the "
                   "reason.", reason_needed=True)


def requests_page():
    with container().session() as db:
        prison, prisons = chosen_prison(db)
        return render_template("admin/requests.html", prison=prison, prisons=prisons,
                               requests=pending_requests(db, prison.id))


def waiting_list():
    day = query_date()
    with container().session() as db:
        prison, prisons = chosen_prison(db)
        entries = waiting_list_for(db, prison.id, day)
        people = {v.id: v for v in db.scalars(select(Visitor).where(
            Visitor.id.in_({e.lead_visitor_id for e in entries} or {-1})))}
        prisoners = {p.id: p for p in db.scalars(select(Prisoner).where(
            Prisoner.id.in_({e.prisoner_id for e in entries} or {-1})))}
        slots = {s.id: s for s in db.scalars(select(VisitSlot).where(
            VisitSlot.id.in_({e.slot_id for e in entries} or {-1})))}
        return render_template("admin/waiting_list.html", prison=prison, prisons=prisons,
                               day=day, entries=entries, people=people, prisoners=prisoners,
                               slots=slots)

