"""The visits list per prison, date and session: on screen, printable and as CSV."""
from __future__ import annotations

import csv
import io

from flask import Response, render_template, request

from core.visits_list import CSV_HEADER, csv_rows, visits_list

from .helpers import chosen_prison, container, query_date


def register(bp) -> None:
    bp.add_url_rule("/visits", "visits", visits)
    bp.add_url_rule("/visits/print", "visits_print", visits_print)
    bp.add_url_rule("/visits.csv", "visits_csv", visits_csv)


def _listing():
    c = container()
    day = query_date()
    slot = request.args.get("session", "")
    with c.uow() as uow:
        prison, prisons = chosen_prison(uow.session)
        sessions = visits_list(uow.session, c.clock, prison=prison, day=day)
        uow.commit()     # slots made for the day are kept
        chosen = [s for s in sessions if str(s.slot_id) == slot] if slot.isdigit() else sessions
        return dict(prison=prison, prisons=prisons, day=day, all_sessions=sessions,
                    sessions=chosen, slot=slot)


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
