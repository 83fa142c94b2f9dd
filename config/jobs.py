"""RQ job entry points: plain functions that take ids (or nothing), re-read the database and are
safe to run twice. Their job ids are deterministic ([A-Za-z0-9_-]), and each use case has its
own database guard, because RQ's `unique` lasts only while the job key exists.

Jobs run inside a worker that was handed a Container at start (`use`); a worker started by RQ's
own command builds one from the environment on first use.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import update

from core import conversation, retention, scheduling, sign_in, waiting_list
from core.models import OutboundMessage
from core.models.messages import FAILED, QUEUED
from core.missed_texts import catch_up
from sms.answer import answer_abandoned

from .sms_wiring import make_inbox

if TYPE_CHECKING:
    from .container import Container

log = logging.getLogger(__name__)

_runtime: dict[str, Container] = {}


def use(container: Container) -> None:
    """The container jobs in this process run with (the worker, the in-process runner, tests)."""
    _runtime["container"] = container


def current() -> Container:
    if "container" not in _runtime:
        from .container import build
        from .settings import from_environment
        use(build(from_environment()))
    return _runtime["container"]


# The periodic pass. Each part is its own use case; one failing does not stop the others.

def tick() -> dict[str, int]:
    """Every minute or so: texts now due go to the sender, texts sent to the line that never
    reached its webhook are fetched from the provider, texts received but never handled (their
    web process died, or they were just fetched) are handled, offers nobody answered pass on,
    places freed by lapsed holds are offered, ended visits are asked for feedback, and the
    daily work runs if due (each guarded by the database, so running it again does nothing)."""
    return _each((("relayed", relay_outbox), ("texts_caught_up", catch_up_texts),
                  ("texts_answered_late", answer_late_texts),
                  ("offers_expired", expire_offers), ("places_offered", offer_free_places),
                  ("feedback", request_feedback), ("renewed", renew_visiting_orders),
                  ("requests_rejected", reject_unreviewed_requests)))


def _each(parts) -> dict:
    """Run every part; one failing does not stop the others (each is logged, and tried again
    at the next run: every part is safe to run twice)."""
    done = {}
    for name, work in parts:
        try:
            done[name] = work()
        except Exception:  # noqa: BLE001 - logged; the next run tries again
            log.exception("periodic %s failed", name)
    return done


def relay_outbox() -> int:
    relay = current().relay
    if relay is None:
        return 0
    return relay.requeue_lost() + relay.relay_due()


def catch_up_texts() -> int:
    container = current()
    inbox = make_inbox(container.settings)
    if inbox is None:
        return 0
    with container.uow() as uow:
        found = catch_up(uow, container.clock, inbox)
    if found:
        log.warning("%d texts never reached the webhook: fetched from the provider", found)
    return found


def answer_late_texts() -> int:
    container = current()
    return answer_abandoned(container.uow, container.clock,
                            provider_keywords=container.settings.twilio_default_keywords)


def expire_offers() -> int:
    container = current()
    with container.uow() as uow:
        return waiting_list.expire_offers(uow, container.clock)


def offer_free_places() -> int:
    container = current()
    with container.uow() as uow:
        return waiting_list.offer_free_places(uow, container.clock)


def request_feedback() -> int:
    container = current()
    with container.uow() as uow:
        return scheduling.request_feedback(uow, container.clock)


def renew_visiting_orders() -> int:
    container = current()
    with container.uow() as uow:
        return scheduling.renew_visiting_orders(uow, container.clock)


def reject_unreviewed_requests() -> int:
    container = current()
    with container.uow() as uow:
        return scheduling.reject_unreviewed_requests(uow, container.clock)


def prepare_visits_lists() -> dict[str, int]:
    container = current()
    with container.uow() as uow:
        return scheduling.prepare_visits_lists(uow, container.clock)


def anonymise_expired_data() -> dict:
    container = current()
    with container.uow() as uow:
        done = retention.anonymise_expired_data(
            uow, container.clock, retention_days=container.settings.retention_days)
    return {"visitors": done.visitors, "outbound": done.outbound, "inbound": done.inbound}


def forget_ended_calls() -> int:
    container = current()
    with container.calls() as calls:
        return conversation.forget_ended_calls(calls, container.clock)


def forget_old_sign_in_failures() -> int:
    container = current()
    with container.uow() as uow:
        return sign_in.forget_old_sign_in_failures(uow, container.clock)


def forget_ended_staff_sessions() -> int:
    container = current()
    with container.uow() as uow:
        return sign_in.forget_ended_sessions(uow, container.clock)


def daily() -> dict:
    """Once a day (early morning): tomorrow's visits lists, retention, and forgetting what is
    kept only for a while: calls ended (or abandoned) over a day ago, failed staff sign-ins,
    signed-out staff sessions whose cookies the idle timeout now refuses anyway.
    Each is safe to run twice (the in-process runner runs it again after a restart)."""
    return _each((("visits_lists", prepare_visits_lists),
                  ("anonymised", anonymise_expired_data),
                  ("calls_forgotten", forget_ended_calls),
                  ("sign_in_failures_forgotten", forget_old_sign_in_failures),
                  ("staff_sessions_forgotten", forget_ended_staff_sessions)))


def send_failed(job, connection, exc_type, exc_value, traceback) -> None:
    """on_failure of a send job. RQ calls it after every failed attempt; only when no retry is
    left is the message marked failed (a retry still to come keeps it queued)."""
    if job.retries_left:
        return
    message_id = int(job.args[0])
    container = current()
    with container.session() as session, session.begin():
        session.execute(update(OutboundMessage)
                        .where(OutboundMessage.id == message_id, OutboundMessage.status == QUEUED)
                        .values(status=FAILED, error_code="gave_up",
                                status_updated_at=container.clock.now()))
    log.error("message %s: sending gave up after retries: %s", message_id, exc_value)


# Deterministic ids for the periodic jobs: one per period, whichever worker enqueues it.

def tick_job_id(moment: datetime, every_seconds: int) -> str:
    return f"tick-{int(moment.timestamp()) // every_seconds}"


def daily_job_id(day) -> str:
    return f"daily-{day.isoformat()}"
