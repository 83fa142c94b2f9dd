"""Texts due together go out in batch jobs on real RQ workers: deterministic job ids, each text
sent once; one failing text gets a send job of its own and the others are not sent again; a
batch that fails hands every text to its own job; a send that gives up lands in RQ's failed
registry and its text is marked failed; a 'sent' mark lost after the text went (the outcomes
commit without waiting for the disk) is recovered from the provider, not by a second text; a
Redis flush loses no batched text; the in-process runner sends waiting texts together."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from config import jobs, jobs_sms
from config.container import build
from config.db import make_engine
from config.inprocess import InProcessJobs
from config.queueing import enqueue_send, job_queue
from core.models import OutboundMessage
from tests.support.fake_twilio import FakeTwilio

from .conftest import flush_keeping_claim, line_settings, run_worker, tick_and_work

JOB_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def phone(n: int) -> str:
    return f"+4474006{n:05d}"


def write_texts(engine, clock, count: int) -> list[int]:
    """Texts due now, as a change would have written them (not yet relayed)."""
    with Session(engine) as session:
        messages = [OutboundMessage(dedupe_key=f"bulk-{n}", kind="help", to_phone=phone(n),
                                    body=f"Visit booked: ref {n}", status="pending",
                                    send_after=clock.now(), created_at=clock.now())
                    for n in range(count)]
        session.add_all(messages)
        session.commit()
        return [m.id for m in messages]


def statuses(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(OutboundMessage.status, func.count())
                                    .group_by(OutboundMessage.status)).all())


def message(engine, message_id: int) -> OutboundMessage:
    with Session(engine) as session:
        return session.get(OutboundMessage, message_id)


def send_jobs(connection) -> list[str]:
    return sorted(key.decode()[len("rq:job:"):] for key in connection.scan_iter("rq:job:send-*")
                  if key.count(b":") == 2)


@pytest.fixture(scope="module")
def scripted_twilio():
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture
def scripted(scripted_twilio):
    scripted_twilio.reset()
    return scripted_twilio


@pytest.fixture
def scripted_line(db_url, redis_url, redis_conn, scripted, clock, tmp_path):
    """The line over Redis, texting a fake whose answers the test scripts."""
    scripted.clock = clock.now
    container = build(line_settings(db_url, redis_url, scripted.base_url, tmp_path),
                      clock=clock, engine=make_engine(db_url))
    jobs.use(container)
    yield container
    container.engine.dispose()


def test_texts_due_together_go_in_batch_jobs_and_each_is_sent_once(backend, line, received,
                                                                   redis_conn):
    ids = write_texts(line.engine, line.clock, 120)
    assert line.relay.relay_due() == 120
    batches = [job for job in send_jobs(redis_conn) if job.startswith("send-batch-")]
    assert len(batches) == 3 and all(JOB_ID.match(job) for job in batches)
    assert sorted(len(Job.fetch(job, connection=redis_conn).args[0]) for job in batches) == [
        20, 50, 50]
    line.relay._dispatch.dispatch(ids)       # handed on again: the same jobs, none added
    assert [job for job in send_jobs(redis_conn) if job.startswith("send-batch-")] == batches
    run_worker(redis_conn)
    assert statuses(line.engine) == {"sent": 120}
    assert received.stats() == {"received": 120, "distinct": 120, "duplicates": 0}
    assert not [job for job in send_jobs(redis_conn) if not job.startswith("send-batch-")]


def test_one_failing_text_gets_its_own_job_and_the_others_are_not_sent_again(
        backend, scripted_line, scripted, redis_conn):
    ids = write_texts(scripted_line.engine, scripted_line.clock, 10)
    scripted.fail_to(phone(4), 503, times=2)     # in the batch, and its own job's first go
    scripted_line.relay.relay_due()
    run_worker(redis_conn)
    own = Job.fetch(f"send-{ids[4]}", connection=redis_conn)
    # Backing off on its own: the batch was its first attempt, its job's first go the second.
    assert own.get_status() == "scheduled" and own.retries_left == 3
    assert statuses(scripted_line.engine) == {"sent": 9, "queued": 1}
    assert len(scripted.taken) == 9 and len(scripted.requests) == 11
    jobs_sms.send_message(ids[4])                # the scheduled retry
    assert statuses(scripted_line.engine) == {"sent": 10}
    assert len({t["to"] for t in scripted.taken}) == len(scripted.taken) == 10


def test_a_failed_batch_hands_every_text_to_its_own_job(backend, line, received, redis_conn,
                                                         monkeypatch):
    write_texts(line.engine, line.clock, 5)
    real, calls = jobs_sms.deliver_many, []

    def fails_once(container, message_ids):
        calls.append(message_ids)
        if len(calls) == 1:
            real(container, message_ids[:2])     # part of it went before the failure
            raise RuntimeError("database went away")
        return real(container, message_ids)

    monkeypatch.setattr(jobs_sms, "deliver_many", fails_once)
    line.relay.relay_due()
    run_worker(redis_conn)
    queue = job_queue(redis_conn)
    [failed] = FailedJobRegistry(queue=queue).get_job_ids()
    assert failed.startswith("send-batch-")
    reason = Job.fetch(failed, connection=redis_conn).latest_result().exc_string
    assert "database went away" in reason
    assert statuses(line.engine) == {"sent": 5}
    assert received.stats() == {"received": 5, "distinct": 5, "duplicates": 0}


def test_a_send_that_gives_up_is_in_the_failed_registry_and_its_text_failed(
        backend, scripted_line, scripted, redis_conn):
    [message_id] = write_texts(scripted_line.engine, scripted_line.clock, 1)
    with Session(scripted_line.engine) as session, session.begin():
        session.execute(update(OutboundMessage).values(status="queued"))
    scripted.fail_to(phone(0), 503)
    enqueue_send(job_queue(redis_conn), message_id, retries=0)    # its last try
    run_worker(redis_conn)
    [failed] = FailedJobRegistry(queue=job_queue(redis_conn)).get_job_ids()
    assert failed == f"send-{message_id}"
    reason = Job.fetch(failed, connection=redis_conn).latest_result().exc_string
    assert "TransientSendError" in reason and "20503" in reason
    gave_up = message(scripted_line.engine, message_id)
    assert (gave_up.status, gave_up.error_code) == ("failed", "gave_up")


def test_a_sent_mark_lost_in_a_crash_is_recovered_without_a_second_text(
        backend, line, received, redis_conn):
    ids = write_texts(line.engine, line.clock, 3)
    line.relay.relay_due()
    run_worker(redis_conn)
    first_sid = message(line.engine, ids[1]).provider_sid
    # What a database crash that lost the outcomes' commit leaves: the durable claim alone.
    with Session(line.engine) as session, session.begin():
        session.execute(update(OutboundMessage).where(OutboundMessage.id == ids[1]).values(
            status="queued", provider_sid=None, sent_at=None, error_code="sending"))
    line.clock.set(line.clock.now() + timedelta(minutes=1))      # its lease has run out
    tick_and_work(redis_conn)
    recovered = message(line.engine, ids[1])
    assert (recovered.status, recovered.provider_sid) == ("sent", first_sid)
    assert received.stats() == {"received": 3, "distinct": 3, "duplicates": 0}


def test_a_redis_flush_loses_no_batched_text(backend, line, received, redis_conn):
    write_texts(line.engine, line.clock, 7)
    line.relay.relay_due()
    assert statuses(line.engine) == {"queued": 7}
    flush_keeping_claim(redis_conn)              # the batch job and its marks, gone
    tick_and_work(redis_conn)
    tick_and_work(redis_conn)
    assert statuses(line.engine) == {"sent": 7}
    assert received.stats() == {"received": 7, "distinct": 7, "duplicates": 0}


def test_the_in_process_runner_sends_waiting_texts_together(backend, db_url, received,
                                                            fake_twilio, clock, tmp_path):
    container = build(line_settings(db_url, None, fake_twilio.base_url, tmp_path), clock=clock,
                      engine=make_engine(db_url))
    write_texts(container.engine, clock, 6)
    runner = InProcessJobs(container)
    runner.wire()
    runner.run_periodic()                        # the relay hands them to the sending thread
    waiting = [runner.dispatch.waiting.get(timeout=1) for _ in range(6)]
    runner.send_many(waiting)
    assert statuses(container.engine) == {"sent": 6}
    assert received.stats() == {"received": 6, "distinct": 6, "duplicates": 0}
    assert runner.dispatch.lost(waiting) == waiting       # done: none still held
    container.engine.dispose()
