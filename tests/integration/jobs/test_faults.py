"""Redis killed while the worker sends: a real worker process, a Redis of the test's own (killed
outright, back empty, as a lost instance is), the real twilio client against a local fake.
The worker must ride the outage out and every text go once."""
from __future__ import annotations

import json
import os
import signal
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.fake_twilio_server import FakeTwilio
from config.container import build
from config.db import make_engine
from core.models import OutboundMessage
from tests.support.factories import create_prison
from tests.support.figures import report
from tests.support.own_servers import own_redis  # noqa: F401 - a fixture

from .conftest import line_settings, worker_process, write_texts_to_many

TEXTS = 150
REDIS_DOWN_SECONDS = 5


def _sent(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).where(OutboundMessage.status == "sent"))


@pytest.mark.slow
def test_redis_killed_mid_send_loses_no_text_and_the_worker_carries_on(
        databases, own_redis, clock, tmp_path, capsys):
    db_url = databases.fresh_url("postgresql")
    twilio = FakeTwilio(delay=0.2).start()      # 8 sends at once, ~40 a second: time to kill
    engine = make_engine(db_url)
    line = build(line_settings(db_url, own_redis.url, twilio.base_url, tmp_path), clock=clock,
                 engine=engine)
    log = open(tmp_path / "worker.log", "w")
    worker = None
    try:
        with Session(engine, expire_on_commit=False) as session:
            prison = create_prison(session, code="LEI", name="HMP Leeds")
            session.commit()
        write_texts_to_many(line, prison, TEXTS)            # handed to RQ at the commit
        worker = worker_process(db_url, own_redis.url, twilio.base_url, tmp_path, log_to=log)
        deadline = time.monotonic() + 30
        while twilio.received.stats()["received"] < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        own_redis.kill()
        assert twilio.received.stats()["received"] < TEXTS, "every text went before the kill"
        time.sleep(REDIS_DOWN_SECONDS)
        own_redis.start()                                   # back, empty: every job lost
        back_at = time.monotonic()
        deadline = back_at + 45
        while _sent(engine) < TEXTS and time.monotonic() < deadline:
            time.sleep(0.2)
        recovered_in = time.monotonic() - back_at
        got = twilio.received.stats()
        report(capsys, f"Redis killed mid-send of {TEXTS} texts, down {REDIS_DOWN_SECONDS} s",
               lost=TEXTS - got["distinct"], sent_twice=got["duplicates"],
               seconds_to_recover=recovered_in, worker_running=worker.poll() is None)
        assert worker.poll() is None, "the worker quit: " + _tail(tmp_path / "worker.log")
        assert got == {"received": TEXTS, "distinct": TEXTS, "duplicates": 0}
        assert _sent(engine) == TEXTS
        assert recovered_in <= 30
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=20)
        log.close()
        twilio.stop()
        engine.dispose()


def _tail(path) -> str:
    """The last few things the worker logged (JSON lines), without tracebacks."""
    events = [json.loads(line).get("event", "") for line in path.read_text().splitlines()
              if line.startswith("{")]
    return " | ".join(events[-3:])
