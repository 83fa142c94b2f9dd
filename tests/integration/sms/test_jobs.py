"""The send job on a real RQ worker and Redis: a text written by a cancellation made by SMS goes
out after the commit, through the real twilio client to the local fake; a 429 is retried by
RQ's Retry; the job is enqueued once however often it is asked for."""
from __future__ import annotations

import os

import pytest
import redis
from rq import SimpleWorker
from rq.job import Job
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import jobs
from config.app import create_app
from config.jobs_sms import enqueue_send, send_message
from config.queueing import job_queue
from core.models import OutboundMessage

from .conftest import LEAD_PHONE, MEMBER_PHONE, committed_line, reply, text


@pytest.fixture
def redis_conn(redis_url):
    connection = redis.Redis.from_url(redis_url)
    claim = connection.get("visitline-test-claim") or str(os.getpid())
    connection.flushdb()
    connection.set("visitline-test-claim", claim, ex=3600)
    yield connection
    connection.close()


@pytest.fixture
def line(databases, backend, tmp_path, redis_url, redis_conn, fake_twilio):
    container, booking = committed_line(databases.fresh_url(backend), tmp_path,
                                        REDIS_URL=redis_url,
                                        TWILIO_API_BASE_URL=fake_twilio.base_url,
                                        PUBLIC_BASE_URL="https://line.example")
    jobs.use(container)
    yield container, booking
    container.engine.dispose()


def work(connection) -> None:
    SimpleWorker([job_queue(connection)], connection=connection).work(burst=True)


def test_a_cancellation_by_text_is_confirmed_by_a_text_sent_by_the_worker_after_a_429(
        line, redis_conn, fake_twilio):
    container, booking = line
    fake_twilio.fail_next(429)
    client = create_app(container=container).test_client()
    assert reply(text(client, f"CANCEL {booking.reference}", from_=MEMBER_PHONE,
                        base_url="https://line.example")) != ""
    work(redis_conn)
    bodies = sorted(t["body"].split(":")[0] for t in fake_twilio.texts_to(LEAD_PHONE))
    assert bodies == ["Visit booked", "Visit cancelled"]
    assert len(fake_twilio.requests) == 3            # the booking's text got a 429 first
    with Session(container.engine) as session:
        messages = {m.kind: m for m in session.scalars(select(OutboundMessage).where(
            OutboundMessage.kind.in_(("confirmation", "cancellation"))))}
    assert {k: (m.status, m.attempts) for k, m in messages.items()} == {
        "confirmation": ("sent", 2), "cancellation": ("sent", 1)}
    cancellation = messages["cancellation"]
    assert cancellation.provider_sid in {t["sid"] for t in fake_twilio.taken}
    assert {r["StatusCallback"] for r in fake_twilio.requests} >= {
        f"https://line.example/sms/status?m={cancellation.id}"}


def test_a_send_job_is_enqueued_once_and_sends_once(line, redis_conn, fake_twilio):
    container, booking = line
    with Session(container.engine) as session:
        message_id = session.scalar(select(OutboundMessage.id).where(
            OutboundMessage.kind == "confirmation"))
    # The booking's commit already handed its text to RQ (relay -> enqueue_send).
    job = Job.fetch(f"send-{message_id}", connection=redis_conn)
    assert job.func_name == "config.jobs_sms.send_message" and job.retries_left == 5
    assert enqueue_send(job_queue(redis_conn), message_id) is None
    work(redis_conn)
    send_message(message_id)           # run again by hand: nothing more is sent
    assert len(fake_twilio.texts_to(LEAD_PHONE)) == 1
