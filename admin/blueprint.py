"""The blueprint: every request is checked here before any view runs (deny by default)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from core.sign_in import session_ended
from core.staff import NotAllowed, access_for

from . import (views_bookings, views_escalations, views_feedback, views_operations,
               views_prisons, views_review, views_signin, views_staff, views_visitors,
               views_visits)
from .helpers import container, install_filters

OPEN_ENDPOINTS = {"admin.sign_in", "admin.static"}


def make_blueprint(csrf: CSRFProtect) -> Blueprint:
    bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                   static_folder="static", static_url_path="/static")
    bp.before_request(lambda: _guard(csrf))
    bp.after_request(_headers)
    bp.register_error_handler(CSRFError, _csrf_failed)
    bp.register_error_handler(NotAllowed, _not_allowed)
    bp.register_error_handler(403, _not_allowed)
    bp.register_error_handler(404, _not_found)
    install_filters(bp)
    for module in (views_signin, views_escalations, views_visits, views_bookings,
                   views_visitors, views_prisons, views_feedback, views_operations, views_staff,
                   views_review):
        module.register(bp)
    return bp


def _guard(csrf: CSRFProtect):
    csrf.protect()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    c = container()
    now = c.clock.now().timestamp()
    idle = current_app.extensions["visitline.admin"]["idle"].total_seconds()
    seen = session.get("seen")
    # A signed-in session always says when it was last used; one that does not is not trusted.
    if session.get("staff_id") is not None and (seen is None or now - seen > idle):
        session.clear()
        session["notice"] = "You were signed out because the page was not used for a while."
    with c.session() as db:
        access = access_for(db, session.get("staff_id"), session.get("generation"))
        if access is not None and session_ended(db, session.get("sid")):
            access = None       # signed out: this is a copy of the cookie
    if access is None:
        session.pop("staff_id", None)
        # full_path ends in "?" when there is no query string.
        return redirect(url_for("admin.sign_in", next=request.full_path.rstrip("?")
                                if request.method == "GET" else None))
    session["seen"] = now
    g.access = access
    return None


def _headers(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    return response


def _csrf_failed(error):
    return render_template("admin/problem.html", title="Please try again",
                           text="The form had expired or did not come from this page. "
                                "Go back, reload the page and try again."), 400


def _not_allowed(error):
    return render_template("admin/problem.html", title="Not allowed",
                           text="You do not have access to that page or record."), 403


def _not_found(error):
    return render_template("admin/problem.html", title="Page not found",
                           text="There is nothing at this address."), 404
