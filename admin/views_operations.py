"""Operations (administrators): texts that did not get through and jobs that failed, with
retry; and prisoner notices waiting to be delivered on the wings (all staff)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from core.models import Prison
from core.staff import Invalid
from core.staff_work import (mark_notice_delivered, retry_message, undelivered_messages,
                             undelivered_notices)

from .helpers import access, admin_only, chosen_prison, container

FAILED_JOBS = "visitline.failed_jobs"


def register(bp) -> None:
    bp.add_url_rule("/operations", "operations", operations)
    bp.add_url_rule("/operations/messages/<int:message_id>/retry", "retry_message",
                    retry, methods=["POST"])
    bp.add_url_rule("/operations/jobs/retry", "retry_job", retry_job, methods=["POST"])
    bp.add_url_rule("/notices", "notices", notices)
    bp.add_url_rule("/notices/<int:notice_id>/delivered", "notice_delivered", notice_delivered,
                    methods=["POST"])


def operations(error: str | None = None, status: int = 200):
    admin_only()
    jobs_port = current_app.extensions.get(FAILED_JOBS)
    jobs, jobs_error = [], None
    if jobs_port is not None:
        try:
            jobs = list(jobs_port.listing())
        except Exception:  # noqa: BLE001 - a dead Redis must not take the page down
            jobs_error = "The job queue cannot be reached just now."
    with container().session() as db:
        return render_template("admin/operations.html", messages=undelivered_messages(db),
                               jobs=jobs, jobs_error=jobs_error, has_jobs=jobs_port is not None,
                               error=error), status


def retry(message_id: int):
    who = admin_only()
    c = container()
    try:
        with c.uow() as uow:
            again_id = retry_message(uow, c.clock, who, message_id=message_id)
    except Invalid as problem:
        return operations(problem.message, 400)
    flash(f"Text {message_id} is being sent again (as text {again_id}).")
    return redirect(url_for("admin.operations"))


def retry_job():
    admin_only()
    port = current_app.extensions.get(FAILED_JOBS)
    job_id = (request.form.get("job_id") or "")[:120]
    if port is None or not job_id or not port.retry(job_id):
        return operations("That job cannot be retried (it may have been retried already).", 400)
    flash(f"Job {job_id} queued again.")
    return redirect(url_for("admin.operations"))


def notices():
    with container().session() as db:
        prison, prisons = chosen_prison(db)
        return render_template("admin/notices.html", prison=prison, prisons=prisons,
                               notices=undelivered_notices(db, prison.id))


def notice_delivered(notice_id: int):
    c = container()
    with c.uow() as uow:
        notice = mark_notice_delivered(uow, c.clock, access(), notice_id=notice_id)
        code = notice.prison_id
    flash("Marked as delivered.")
    return redirect(url_for("admin.notices", prison=_code(code)))


def _code(prison_id: int) -> str:
    with container().session() as db:
        return db.get(Prison, prison_id).code

