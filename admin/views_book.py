"""Booking on a visitor's behalf: the same rules as the phone, the core's reasons shown when it
says no. Step 1 the prisoner, step 2 who is coming (and a date, if wanted), step 3 a session."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.availability import available_slots
from core.booking import book_visit
from core.errors import Refused
from core.models import BOOKED, ApprovedVisitor, Prisoner, Visitor
from core.staff import Invalid

from .helpers import access, container, form_text, parse_date, parse_int


def register(bp) -> None:
    bp.add_url_rule("/bookings/new", "book", book, methods=["GET", "POST"])


def book():
    if request.method == "POST":
        return _confirm()
    return _page(request.args)


def _page(values, error: str | None = None, status: int = 200):
    c = container()
    state = {"number": (values.get("prisoner") or "").strip().upper()[:10], "error": error,
             "prisoner": None, "approved": [], "offers": None, "chosen": [],
             "date": (values.get("date") or "").strip()[:10],
             "support_needs": (values.get("support_needs") or "")[:200]}
    with c.uow() as uow:
        try:
            _fill(uow.session, c.clock, values, state)
        except (Invalid, Refused) as problem:
            state["error"] = state["error"] or _message(problem)
            status = 400
        uow.commit()     # keeps the visit slots availability made
        return render_template("admin/book.html", **state), status


def _fill(db, clock, values, state) -> None:
    if not state["number"]:
        return
    prisoner, party = _prisoner_and_party(db, values, state)
    if not party:
        return
    state["chosen"] = party
    on_date = parse_date(state["date"], "date", required=False)
    state["offers"] = available_slots(db, clock, prisoner_id=prisoner.id,
                                      visitor_ids=[v.id for v in party], on_date=on_date,
                                      limit=30)


def _party(db, values, approved) -> list[Visitor]:
    professional = parse_int(values.get("professional"), "professional", required=False)
    if professional is not None:
        visitor = db.get(Visitor, professional)
        if visitor is None or not visitor.is_professional:
            raise Invalid("That number is not a professional visitor's record.",
                          "professional")
        return [visitor]
    allowed = {a.visitor_id: a.visitor for a in approved}
    lead = parse_int(values.get("lead"), "lead", required=False)
    if lead is None:
        return []
    others = [parse_int(v, "others") for v in values.getlist("others")]
    ids = [lead] + [v for v in others if v != lead]
    if any(i not in allowed for i in ids):
        raise Invalid("Choose visitors from the prisoner's approved list.", "lead")
    return [allowed[i] for i in ids]


def _confirm():
    c = container()
    form = request.form
    try:
        with c.uow() as uow:
            state = {"number": (form.get("prisoner") or "").strip().upper()[:10]}
            prisoner, party = _prisoner_and_party(uow.session, form, state)
            slot_id = parse_int(form.get("slot_id"), "slot_id", required=False)
            if slot_id is None:
                raise Invalid("Choose a session.", "slot_id")
            booking = book_visit(uow, c.clock, slot_id=slot_id, prisoner_id=prisoner.id,
                                 visitor_ids=[v.id for v in party], actor=access().actor,
                                 support_needs=form_text("support_needs", 200))
    except (Invalid, Refused) as problem:
        return _page(form, _message(problem), 400)
    flash(f"Booked: reference {booking.reference}. The visitor is texted." if
          booking.status == BOOKED else f"Booked as a request for staff to decide "
          f"({booking.request_reason}): reference {booking.reference}.")
    return redirect(url_for("admin.booking", booking_id=booking.id))


def _prisoner_and_party(db, values, state):
    prisoner = db.scalar(select(Prisoner).where(Prisoner.number == state["number"]))
    if prisoner is None or not access().can_see(prisoner.prison_id):
        raise Invalid("There is no prisoner with that number at your prisons.", "prisoner")
    state["prisoner"] = prisoner
    state["approved"] = list(db.scalars(select(ApprovedVisitor).where(
        ApprovedVisitor.prisoner_id == prisoner.id, ApprovedVisitor.approved.is_(True))
        .order_by(ApprovedVisitor.id)))
    party = _party(db, values, state["approved"])
    if not party and values.get("step") in ("party", "confirm"):
        raise Invalid("Choose the lead visitor, or give a professional visitor's number.",
                      "lead")
    return prisoner, party


def _message(problem) -> str:
    return problem.message if isinstance(problem, Invalid) else problem.message("en")
