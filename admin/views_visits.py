"""The visits list per prison, date and session: on screen, printable and as CSV; and, once a
session has started, recording whether each visit's party came, and correcting that record
for a short while after."""
from __future__ import annotations

import csv
import io

from flask import Response, flash, redirect, render_template, request, url_for

from core.attendance import (ALREADY_SENT, FEEDBACK_WITHDRAWN, OUTCOMES, WRITTEN,
                             correct_attendance, last_days_to_correct, record_attendance,
                             still_correctable)
from core.errors import Refused
from core.models import ATTENDED
from core.visits_list import CSV_HEADER, csv_rows, visits_list

from .helpers import (access, chosen_prison, container, form_text, query_date,
                      visible_booking)


def register(bp) -> None:
    bp.add_url_rule("/visits", "visits", visits)
    bp.add_url_rule("/visits/print", "visits_print", visits_print)
    bp.add_url_rule("/visits.csv", "visits_csv", visits_csv)
    bp.add_url_rule("/visits/<int:booking_id>/attendance", "attendance", attendance,
                    methods=["POST"])
    bp.add_url_rule("/visits/<int:booking_id>/attendance/correction", "attendance_correction",
                    attendance_correction, methods=["POST"])


def _listing():
    c = container()
    day = query_date()
    slot = request.args.get("session", "")
    with c.uow() as uow:
        prison, prisons = chosen_prison(uow.session)
        sessions = visits_list(uow.session, c.clock, prison=prison, day=day)
        chosen = [s for s in sessions if str(s.slot_id) == slot] if slot.isdigit() else sessions
        correctable = _correctable(uow.session, c.clock, day, chosen)
        uow.commit()     # slots made for the day are kept
        return dict(prison=prison, prisons=prisons, day=day, all_sessions=sessions,
                    sessions=chosen, slot=slot, now=c.clock.now(), correctable=correctable)


def _correctable(session, clock, day, sessions) -> set[int]:
    """The recorded visits whose attendance can still be corrected: the button is offered
    exactly while correct_attendance would accept it."""
    recorded = [v.booking_id for s in sessions for v in s.visits if v.status in OUTCOMES]
    return {booking_id for booking_id, last_day
            in last_days_to_correct(session, day, recorded).items()
            if still_correctable(clock, last_day)}


def visits():
    return render_template("admin/visits.html", **_listing())


def visits_print():
    return render_template("admin/visits_print.html", **_listing())


def visits_csv():
    listing = _listing()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in csv_rows(listing["sessions"]):
        writer.writerow([_cell(value) for value in row])
    name = f"visits-{listing['prison'].code}-{listing['day'].isoformat()}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _cell(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: names are typed by callers."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def attendance(booking_id: int):
    """"Arrived" / "Did not come" on the visits list; back to the same list after."""
    return _attendance_form(booking_id, record_attendance, "Recorded", "Not recorded")


_FEEDBACK_SAID = {
    WRITTEN: " They will now be asked for feedback.",
    FEEDBACK_WITHDRAWN: " Their feedback request, not yet sent, has been withdrawn.",
    ALREADY_SENT: " Their feedback request had already been sent; any reply is kept.",
}


def attendance_correction(booking_id: int):
    """"Correct: arrived" / "Correct: did not come" on the visits list, for a recorded visit."""
    return _attendance_form(booking_id, correct_attendance, "Corrected", "Not corrected")


def _attendance_form(booking_id: int, use_case, done_title: str, refused_title: str):
    """Record or correct (use_case) the outcome the form names, then back to the same list."""
    c = container()
    outcome = form_text("outcome", 10)
    if outcome not in OUTCOMES:
        return render_template("admin/problem.html", title="Please try again",
                               text="Choose whether the visitors arrived."), 400
    try:
        with c.uow() as uow:
            back = _back_to_list(visible_booking(uow.session, booking_id))
            done = use_case(uow, c.clock, booking_id=booking_id, outcome=outcome,
                            actor=access().actor)
    except Refused as refusal:
        return render_template("admin/problem.html", title=refused_title,
                               text=refusal.message()), 400
    said = _said(outcome)
    flash((f"{done_title}: the visitors for {done.reference} {said}."
           + _FEEDBACK_SAID.get(done.feedback_request, "")) if done.changed
          else f"Already recorded: the visitors for {done.reference} {said}.")
    return redirect(back)


def _said(outcome: str) -> str:
    return "arrived" if outcome == ATTENDED else "did not come"


def _back_to_list(booking) -> str:
    session = form_text("session", 12)
    return url_for("admin.visits", prison=booking.slot.prison.code,
                   date=booking.slot.date.isoformat(),
                   session=session if session.isdigit() else None)
