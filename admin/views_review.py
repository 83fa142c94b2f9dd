"""Visits to review after a prisoner moved (core.movements): keep each, or cancel it with a
reason; and recording that a prisoner was released or transferred."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.cancel import cancel_booking
from core.errors import Refused
from core.find import get_booking
from core.models import Prison
from core.movements import (keep_reviewed_visit, prisoner_released, prisoner_transferred,
                            visits_to_review)
from core.people import find_prisoner_by_number
from core.staff import Invalid, NotAllowed

from .helpers import access, chosen_prison, container, form_text

RELEASED, TRANSFERRED = "released", "transferred"


def register(bp) -> None:
    bp.add_url_rule("/review", "review", review)
    bp.add_url_rule("/review/<int:booking_id>/keep", "review_keep", keep, methods=["POST"])
    bp.add_url_rule("/review/<int:booking_id>/cancel", "review_cancel", cancel,
                    methods=["POST"])
    bp.add_url_rule("/prisoners/move", "prisoner_move", move, methods=["POST"])


def review(error: Invalid | None = None, status: int = 200):
    with container().session() as db:
        prison, prisons = chosen_prison(db)
        destinations = db.scalars(select(Prison).order_by(Prison.name)).all()
        return render_template("admin/review.html", prison=prison, prisons=prisons,
                               visits=visits_to_review(db, prison_id=prison.id),
                               destinations=destinations, error=error,
                               form=request.form), status


def keep(booking_id: int):
    c = container()
    with c.uow() as uow:
        code = _visible_prison_code(uow.session, booking_id)
        try:
            kept = keep_reviewed_visit(uow, c.clock, booking_id=booking_id,
                                       actor=access().actor)
        except Refused as refusal:
            return _back(code, refusal.message())
    return _back(code, "Kept: the visit goes ahead." if kept else "Nothing changed: it had "
                 "already been kept.")


def cancel(booking_id: int):
    c = container()
    reason = form_text("reason", 300)
    with c.uow() as uow:
        code = _visible_prison_code(uow.session, booking_id)
        if not reason:
            return _back(code, "Give a reason for cancelling.")
        done = cancel_booking(uow, c.clock, booking_id=booking_id, actor=access().actor,
                              reason=reason)
    return _back(code, "Cancelled. The visitor is texted and the place released."
                 if done.changed else "Nothing changed: it had already ended.")


def move():
    """Record that a prisoner at one of this member of staff's prisons has left it."""
    c = container()
    what = form_text("movement", 12)
    try:
        with c.uow() as uow:
            prisoner = _visible_prisoner(uow.session, form_text("prisoner_number", 10))
            code, name = prisoner.prison.code, prisoner.name
            if what == RELEASED:
                prisoner_released(uow, c.clock, prisoner_id=prisoner.id, actor=access().actor)
            elif what == TRANSFERRED:
                prisoner_transferred(uow, c.clock, prisoner_id=prisoner.id,
                                     to_prison_id=_destination(uow.session, prisoner),
                                     actor=access().actor)
            else:
                raise Invalid("Choose released or transferred.", "movement")
    except Invalid as problem:
        return review(problem, 400)
    flash(f"Recorded: {name} {what}. Their booked visits are listed below for review.")
    return redirect(url_for("admin.review", prison=code))


def _visible_prisoner(db, number: str):
    try:
        prisoner = find_prisoner_by_number(db, number)
    except Refused:
        raise Invalid("No prisoner at your prisons has that prison number.",
                      "prisoner_number") from None
    if not access().can_see(prisoner.prison_id):
        raise Invalid("No prisoner at your prisons has that prison number.", "prisoner_number")
    return prisoner


def _destination(db, prisoner) -> int:
    prison = db.scalar(select(Prison).where(Prison.code == form_text("to_prison", 10).upper()))
    if prison is None:
        raise Invalid("Choose the prison they were transferred to.", "to_prison")
    if prison.id == prisoner.prison_id:
        raise Invalid("They are already at that prison.", "to_prison")
    return prison.id


def _visible_prison_code(db, booking_id: int) -> str:
    try:
        booking = get_booking(db, booking_id)
    except Refused:
        raise NotAllowed("no such booking") from None
    access().check_prison(booking.prison_id)
    return booking.slot.prison.code


def _back(prison_code: str, message: str):
    flash(message)
    return redirect(url_for("admin.review", prison=prison_code))
