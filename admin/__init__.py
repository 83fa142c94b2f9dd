"""The staff admin pages, over the booking core.

`init_admin(app, ...)` registers the blueprint at /admin with its security settings; config
calls it (admin never imports config). Views find the container in
`current_app.extensions["visitline"]` and, when jobs run on RQ, the failed-job port in
`current_app.extensions["visitline.failed_jobs"]`.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Callable, Iterable

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from .blueprint import make_blueprint

FAILED_JOBS = "visitline.failed_jobs"
ADMIN_OPTIONS = "visitline.admin"


class FailedJobs:
    """The port to the job queue's failed jobs (config wires RQ's; admin imports no rq)."""

    def __init__(self, listing: Callable[[], Iterable], retry: Callable[[str], bool]):
        self.listing = listing
        self.retry = retry


def init_admin(app: Flask, *, secure_cookies: bool, idle_minutes: int = 30,
               failed_jobs: FailedJobs | None = None) -> None:
    app.config.update(SESSION_COOKIE_SECURE=secure_cookies, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax")
    # CSRF is checked by the admin blueprint on its own requests (the Twilio webhooks are
    # signed instead and carry no token), so the app-wide check is off.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect()
    csrf.init_app(app)
    app.extensions[ADMIN_OPTIONS] = {"idle": timedelta(minutes=idle_minutes), "csrf": csrf}
    if failed_jobs is not None:
        app.extensions[FAILED_JOBS] = failed_jobs
    app.register_blueprint(make_blueprint(csrf))
