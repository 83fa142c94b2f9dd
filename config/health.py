"""Liveness and readiness, for a load balancer and a platform's health check.

`/healthz` says only that the process answers. `/readyz` says whether this web process can do
its work: the database answers and its schema is at the migrations' head, Redis answers when
jobs go through it, and production settings are complete. A worker not seen for a while is
reported but does not take the web process out of rotation: callers must still be answered, and
texts wait safely in the outbox until a worker returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import func, or_, select

from core.models.messages import PENDING, QUEUED, OutboundMessage

from .container import Container
from .migrate import alembic_config

WORKER_UNSEEN_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    blocks_ready: bool = True

    def as_json(self) -> dict:
        body = {"ok": self.ok}
        if self.detail:
            body["detail"] = self.detail
        return body


def register_health(app: Flask, container: Container) -> None:
    head = ScriptDirectory.from_config(
        alembic_config(container.settings.database_url)).get_current_head()

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        checks = readiness(container, head)
        ready = all(c.ok for c in checks if c.blocks_ready)
        body = {"status": "ready" if ready else "not ready",
                "checks": {c.name: c.as_json() for c in checks}}
        return body, 200 if ready else 503


def readiness(container: Container, head: str | None) -> list[Check]:
    checks = [_database(container, head), _settings(container)]
    if container.settings.redis_url:
        checks.append(_redis(container))
        checks.append(_worker(container))
    return checks


def _database(container: Container, head: str | None) -> Check:
    try:
        with container.session() as session:
            current = MigrationContext.configure(session.connection()).get_current_revision()
    except Exception as error:  # noqa: BLE001 - any failure here means "not ready"
        return Check("database", False, f"does not answer ({type(error).__name__})")
    if current != head:
        return Check("database", False, f"schema at {current}, migrations at {head}: "
                                        "run 'visitline db upgrade'")
    return Check("database", True)


def _settings(container: Container) -> Check:
    settings = container.settings
    if settings.environment != "production":
        return Check("settings", True, f"{settings.environment} settings")
    missing = [name for name, value in (
        ("TWILIO_ACCOUNT_SID", settings.twilio_account_sid),
        ("TWILIO_AUTH_TOKEN", settings.twilio_auth_token),
        ("TWILIO_PHONE_NUMBER", settings.twilio_phone_number),
        ("REDIS_URL", settings.redis_url)) if not value]
    if missing:
        return Check("settings", False, "missing " + ", ".join(missing))
    return Check("settings", True)


def _redis(container: Container) -> Check:
    from .queueing import redis_connection
    try:
        redis_connection(container.settings.redis_url).ping()
    except Exception as error:  # noqa: BLE001
        return Check("redis", False, f"does not answer ({type(error).__name__})")
    return Check("redis", True)


def _worker(container: Container) -> Check:
    """Not ready to send if no worker has reported a heartbeat lately while texts wait."""
    from rq import Worker
    from .queueing import redis_connection
    now = datetime.now(timezone.utc)
    try:
        workers = Worker.all(connection=redis_connection(container.settings.redis_url))
    except Exception as error:  # noqa: BLE001
        return Check("worker", False, f"unknown ({type(error).__name__})", blocks_ready=False)
    beats = [w.last_heartbeat.replace(tzinfo=timezone.utc) if w.last_heartbeat.tzinfo is None
             else w.last_heartbeat for w in workers if w.last_heartbeat]
    if beats and now - max(beats) < WORKER_UNSEEN_AFTER:
        return Check("worker", True, blocks_ready=False)
    waiting = _texts_waiting(container, container.clock.now())
    if not waiting:
        return Check("worker", True, "no worker seen, no text waiting", blocks_ready=False)
    unseen = int(WORKER_UNSEEN_AFTER.total_seconds())
    return Check("worker", False, f"no worker seen for {unseen} s while {waiting} texts wait",
                 blocks_ready=False)


def _texts_waiting(container: Container, now: datetime) -> int:
    with container.session() as session:
        return session.scalar(select(func.count(OutboundMessage.id)).where(
            OutboundMessage.status.in_((PENDING, QUEUED)),
            or_(OutboundMessage.send_after.is_(None), OutboundMessage.send_after <= now))) or 0
