"""Liveness and readiness: what a load balancer and a platform's health check are told."""
from __future__ import annotations

import dataclasses

import pytest
from rq import Worker
from sqlalchemy import create_engine

from config.app import create_app
from config.container import Container
from config.db import make_session_factory
from config.queueing import job_queue, redis_connection
from core.models.messages import PENDING, OutboundMessage
from tests.support.own_servers import own_postgres  # noqa: F401 - a fixture


def _app(container: Container, **settings):
    container.settings = dataclasses.replace(container.settings, **settings)
    return create_app(container=container).test_client()


def test_alive_answers_without_looking_further(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_when_the_database_is_at_the_migrations_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == {"ok": True}


def test_not_ready_when_the_schema_is_behind_the_migrations(container, tmp_path):
    container.session_factory = make_session_factory(
        create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}"))
    response = _app(container).get("/readyz")
    assert response.status_code == 503
    detail = response.get_json()["checks"]["database"]["detail"]
    assert "visitline db upgrade" in detail


def test_not_ready_when_the_database_does_not_answer(container):
    container.session_factory = make_session_factory(create_engine(
        "postgresql://127.0.0.1:1/nothing", connect_args={"connect_timeout": 1}))
    response = _app(container).get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is False


def test_not_ready_in_production_without_twilio_credentials(container):
    response = _app(container, environment="production", twilio_auth_token="",
                    redis_url=None).get("/readyz")
    assert response.status_code == 503
    detail = response.get_json()["checks"]["settings"]["detail"]
    assert "TWILIO_AUTH_TOKEN" in detail and "REDIS_URL" in detail


def test_not_ready_when_redis_does_not_answer(container):
    response = _app(container, redis_url="redis://127.0.0.1:1/0").get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"]["ok"] is False


@pytest.fixture
def waiting_text(session, clock):
    message = OutboundMessage(dedupe_key="health-waiting", kind="help", to_phone="+447400000001",
                              body="x", status=PENDING, send_after=clock.now(),
                              created_at=clock.now())
    session.add(message)
    session.commit()
    return message


def test_a_missing_worker_is_reported_while_texts_wait_but_keeps_the_line_ready(
        container, redis_url, waiting_text):
    response = _app(container, redis_url=redis_url).get("/readyz")
    assert response.status_code == 200
    worker = response.get_json()["checks"]["worker"]
    assert worker["ok"] is False
    assert "1 texts wait" in worker["detail"]


def test_a_worker_with_a_recent_heartbeat_is_seen(container, redis_url, waiting_text):
    connection = redis_connection(redis_url)
    worker = Worker([job_queue(connection)], connection=connection, name="health-test")
    worker.register_birth()
    worker.heartbeat()
    try:
        response = _app(container, redis_url=redis_url).get("/readyz")
    finally:
        worker.register_death()
    assert response.get_json()["checks"]["worker"] == {"ok": True}


def test_not_ready_while_its_own_postgresql_is_stopped_and_ready_again_when_it_returns(
        own_postgres, tmp_path):
    from config.container import build
    from config.migrate import upgrade
    from config.settings import from_environment
    upgrade(own_postgres.url)
    line = build(from_environment({
        "VISITLINE_ENV": "test", "DATABASE_URL": own_postgres.url, "REDIS_URL": "",
        "SECRET_KEY": "x" * 40}, instance=tmp_path))
    client = create_app(container=line).test_client()
    try:
        assert client.get("/readyz").status_code == 200

        own_postgres.stop("fast")
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.get_json()["checks"]["database"]["ok"] is False
        assert client.get("/healthz").status_code == 200       # alive, only not ready

        own_postgres.start()
        assert client.get("/readyz").status_code == 200
    finally:
        line.engine.dispose()
