"""Jobs against a real Redis (a database of this run's own) and real RQ workers, over a fresh
database per test (workers see only committed rows), with a fixed clock and a local fake of
Twilio's Messages API."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import time

import pytest
import redis
from sqlalchemy.orm import Session

from bench.fake_twilio_server import FakeTwilio
from config import jobs
from config.container import Container, build
from config.db import make_engine
from config.settings import from_environment
from config.worker import make_worker
from core.clock import FixedClock
from core.models import Prison, Prisoner, Visitor
from core.outbox import queue_text
from tests.conftest import NOW
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor)
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(scope="session")
def fake_twilio():
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture
def received(fake_twilio):
    fake_twilio.received.texts.clear()
    return fake_twilio.received


@pytest.fixture
def redis_conn(redis_url):
    connection = redis.Redis.from_url(redis_url)
    flush_keeping_claim(connection)
    yield connection
    connection.close()


def flush_keeping_claim(connection) -> None:
    """Empty this run's Redis database, keeping the key that claims it for this run."""
    claim = connection.get("visitline-test-claim") or str(os.getpid())
    connection.flushdb()
    connection.set("visitline-test-claim", claim, ex=3600)


@pytest.fixture
def db_url(databases, backend):
    return databases.fresh_url(backend)


def line_settings(db_url: str, redis_url: str | None, twilio_url: str, tmp_path):
    env = {"VISITLINE_ENV": "test", "DATABASE_URL": db_url, "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_PHONE_NUMBER": "+447400000999",
           "TWILIO_API_BASE_URL": twilio_url, "SECRET_KEY": "x" * 40}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return from_environment(env, instance=tmp_path)


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
def line(db_url, redis_url, redis_conn, fake_twilio, clock, tmp_path) -> Container:
    """The line as a worker and the web would build it, over Redis; jobs here run with it."""
    container = build(line_settings(db_url, redis_url, fake_twilio.base_url, tmp_path),
                      clock=clock, engine=make_engine(db_url))
    jobs.use(container)
    yield container
    container.engine.dispose()


@dataclass
class People:
    prison: Prison
    prisoner: Prisoner
    lead: Visitor
    others: list[tuple[Prisoner, Visitor]]


@pytest.fixture
def people(line) -> People:
    with Session(line.engine, expire_on_commit=False) as session:
        prison = create_prison(session, code="LEI", name="HMP Leeds")
        for weekday in range(7):
            create_template(session, prison, weekday=weekday, start=time(14), end=time(16),
                            open_tables=1, closed_tables=0)
        prisoner = create_prisoner(session, prison, number="A1234BC")
        lead = create_visitor(session, first_name="Sam", phone="+447400123456")
        approve(session, prisoner, lead)
        others = []
        for n, number in enumerate(("B1111BB", "C2222CC")):
            other = create_prisoner(session, prison, number=number)
            visitor = create_visitor(session, first_name=f"Wait{n}", phone=f"+4474001111{n}0")
            approve(session, other, visitor)
            others.append((other, visitor))
        session.commit()
        session.expunge_all()
    return People(prison, prisoner, lead, others)


def run_worker(connection) -> None:
    """A real RQ worker with its scheduler, until the queue is empty."""
    make_worker(connection).work(burst=True, with_scheduler=True)


def tick_and_work(connection) -> None:
    """One periodic pass, as the worker's loop enqueues it, then every job it causes."""
    from config.queueing import job_queue
    job_queue(connection).enqueue("config.jobs.tick")
    run_worker(connection)


def write_texts_to_many(line: Container, prison: Prison, count: int) -> None:
    """`count` texts, each to a visitor of its own (no daily cap applies), written in one change:
    its commit hands them to the relay as the web would."""
    with Session(line.engine, expire_on_commit=False) as session:
        visitors = []
        for n in range(count):
            visitor = create_visitor(session, first_name=f"V{n}", phone=f"+44741{n:07d}")
            prisoner = create_prisoner(session, session.merge(prison), number=f"K{n:04d}KK")
            approve(session, prisoner, visitor)
            visitors.append(visitor)
        session.commit()
    with line.uow() as uow:
        for visitor in visitors:
            queue_text(uow, line.clock, key=f"bulk-{visitor.id}", kind="help", visitor=visitor,
                       code="sms_cancellation",
                       params=dict(prison="HMP Leeds", day="Thursday", time="14:00",
                                   reference=str(visitor.id)))
        uow.commit()


def worker_process(db_url: str, redis_url: str, twilio_url: str, tmp_path, *options: str,
                   log_to=subprocess.DEVNULL) -> subprocess.Popen:
    """`visitline worker` as the Procfile runs it, in a process group of its own (so a kill
    takes its scheduler too)."""
    env = dict(os.environ, VISITLINE_ENV="test", DATABASE_URL=db_url, REDIS_URL=redis_url,
               TWILIO_API_BASE_URL=twilio_url, SECRET_KEY="x" * 40,
               TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
               TWILIO_PHONE_NUMBER="+447400000999", VISITLINE_INSTANCE=str(tmp_path))
    return subprocess.Popen(
        [sys.executable, "-c", "from config.cli import main; main()", "worker", *options],
        env=env, stdout=log_to, stderr=log_to, start_new_session=True)
