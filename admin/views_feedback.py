"""Feedback: ratings by prison and month, comments newest first."""
from __future__ import annotations

import re

from flask import render_template, request

from core.staff_work import feedback_comments, feedback_scores

from .helpers import chosen_prison, container


def register(bp) -> None:
    bp.add_url_rule("/feedback", "feedback", feedback)


def feedback():
    month = request.args.get("month", "")
    month = month if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month) else ""
    with container().session() as db:
        prison, prisons = chosen_prison(db)
        return render_template("admin/feedback.html", prison=prison, prisons=prisons,
                               month=month, scores=feedback_scores(db, prison.id),
                               comments=feedback_comments(db, prison.id, month or None))
