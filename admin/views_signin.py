"""Signing in (throttled per username and per client address: core.sign_in) and out."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, session, url_for

from core.sign_in import TooManyFailures, authenticate, sign_out as end_session
from core.staff import Invalid

from .helpers import container, safe_next, start_session


def register(bp) -> None:
    bp.add_url_rule("/sign-in", "sign_in", sign_in, methods=["GET", "POST"])
    bp.add_url_rule("/sign-out", "sign_out", sign_out, methods=["POST"])
    bp.add_url_rule("/", "home", home)


def home():
    return redirect(url_for("admin.escalations"))


def sign_in():
    notice = session.pop("notice", None)
    if request.method == "GET":
        return render_template("admin/sign_in.html", notice=notice,
                               next=safe_next(request.args.get("next")))
    c = container()
    try:
        with c.uow() as uow:
            who = authenticate(uow, c.clock, c.hasher, username=request.form.get("username", ""),
                               password=request.form.get("password", ""),
                               client_address=request.remote_addr or "",
                               dummy_hash=_dummy_hash(c.hasher))
    except TooManyFailures as refused:
        return _try_again(refused), 429, {"Retry-After": str(int(refused.wait.total_seconds()))}
    except Invalid as problem:
        return _try_again(problem), 401
    start_session(who)
    return redirect(safe_next(request.form.get("next")) or url_for("admin.home"))


def _try_again(problem: Invalid) -> str:
    return render_template("admin/sign_in.html", error=problem.message,
                           username=request.form.get("username", "")[:80],
                           next=safe_next(request.form.get("next")))


def sign_out():
    """The session ends server-side too: a copy of its cookie is refused from now on."""
    c = container()
    with c.uow() as uow:
        end_session(uow, c.clock, g.access, session_id=session["sid"],
                    lapses_after=current_app.extensions["visitline.admin"]["idle"])
    session.clear()
    session["notice"] = "You have signed out."
    return redirect(url_for("admin.sign_in"))


def _dummy_hash(hasher) -> str:
    """A hash to check unknown usernames against, so they take as long as known ones."""
    options = current_app.extensions["visitline.admin"]
    if "dummy_hash" not in options:
        options["dummy_hash"] = hasher.hash("no account has this password")
    return options["dummy_hash"]
