"""Nothing lost, nothing sent twice: Redis down while visitors book, Redis flushed, a worker
SIGKILLed in the middle of sending while another takes over."""
from __future__ import annotations

import os
import signal
import time
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.container import build
from core.actor import SMS, Actor
from core.booking import book_visit
from core.models import OutboundMessage, VisitSlot
from core.slots import ensure_visit_slots
from tests.support.figures import report

from .conftest import (DEAD_REDIS, flush_keeping_claim, line_settings, tick_and_work,
                       worker_process, write_texts_to_many)


def _statuses(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(OutboundMessage.status, func.count())
                                    .group_by(OutboundMessage.status)).all())


def _book_each_day(container, people, days: int) -> None:
    with Session(container.engine) as session:
        ensure_visit_slots(session, session.merge(people.prison), container.clock,
                           until=date(2026, 12, 31))
        session.commit()
        slots = list(session.scalars(select(VisitSlot.id).where(
            VisitSlot.date >= date(2026, 12, 3)).order_by(VisitSlot.date).limit(days)))
    for slot_id in slots:
        with container.uow() as uow:
            book_visit(uow, container.clock, slot_id=slot_id, prisoner_id=people.prisoner.id,
                       visitor_ids=[people.lead.id], actor=Actor.visitor(people.lead.id, SMS))


def test_bookings_succeed_with_redis_down_and_their_texts_go_once_it_returns(
        backend, db_url, line, people, received, redis_conn, fake_twilio, clock, tmp_path):
    web_without_redis = build(line_settings(db_url, DEAD_REDIS, fake_twilio.base_url, tmp_path),
                              clock=clock, engine=line.engine)
    _book_each_day(web_without_redis, people, 2)      # the hand-off fails; the bookings stand
    assert _statuses(line.engine)["pending"] == 2
    tick_and_work(redis_conn)                          # Redis is back: the periodic pass
    tick_and_work(redis_conn)
    assert _statuses(line.engine).get("pending", 0) == 0
    assert received.stats() == {"received": 2, "distinct": 2, "duplicates": 0}


def test_a_redis_flush_loses_no_queued_text(backend, line, people, received, redis_conn):
    _book_each_day(line, people, 2)                   # handed to RQ after each commit
    assert _statuses(line.engine)["queued"] == 2
    flush_keeping_claim(redis_conn)                    # every job gone
    tick_and_work(redis_conn)                          # rebuilt from the database
    tick_and_work(redis_conn)
    assert _statuses(line.engine)["sent"] == 2
    assert received.stats() == {"received": 2, "distinct": 2, "duplicates": 0}


def test_a_request_cut_off_by_a_kill_is_no_text_at_the_fake(fake_twilio, received):
    """The kill test counts what the fake received: a worker killed between sending a request's
    headers and its body (http.client sends them apart) must not count as a text."""
    import socket
    from urllib.parse import urlparse
    address = urlparse(fake_twilio.base_url)
    with socket.create_connection((address.hostname, address.port)) as cut_off:
        cut_off.sendall(b"POST /2010-04-01/Accounts/AC1/Messages.json HTTP/1.1\r\n"
                        b"Host: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        b"Content-Length: 60\r\n\r\nTo=%2B447400123456")
    time.sleep(0.2)
    assert received.stats() == {"received": 0, "distinct": 0, "duplicates": 0}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgresql"])   # ~30 s: a killed send is noticed after
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
        backend, db_url, redis_url, line, people, redis_conn, tmp_path, capsys):
    from bench.fake_twilio_server import FakeTwilio
    slow_twilio = FakeTwilio(delay=0.05).start()      # each send takes a while: kill mid-send
    try:
        write_texts_to_many(line, people.prison, 120)
        options = ("--every", "3600", "--maintenance-interval", "1", "--heartbeat-margin", "1")
        first = worker_process(db_url, redis_url, slow_twilio.base_url, tmp_path, *options)
        deadline = time.monotonic() + 30
        while slow_twilio.received.stats()["received"] < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)            # the worker and its scheduler, at once
        first.wait()
        killed_at = time.monotonic()
        sent_before = slow_twilio.received.stats()["received"]
        assert 0 < sent_before < 120
        second = worker_process(db_url, redis_url, slow_twilio.base_url, tmp_path, *options)
        # The killed batch is noticed ~41 s after it began (its 40 s timeout and the 1 s margin),
        # past the 30 s lease on its texts: each gets a job of its own, which asks the fake
        # whether it has the text before sending it. Allow twice that.
        deadline = time.monotonic() + 90
        while _statuses(line.engine).get("sent", 0) < 120 and time.monotonic() < deadline:
            time.sleep(0.2)
        recovered_in = time.monotonic() - killed_at
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=20)
        got = slow_twilio.received.stats()
        report(capsys, "worker SIGKILLed mid-batch", texts=120,
               lost=120 - got["distinct"], sent_twice=got["duplicates"],
               seconds_to_recover=recovered_in)
        assert _statuses(line.engine) == {"sent": 120}
        assert slow_twilio.received.stats() == {"received": 120, "distinct": 120,
                                                "duplicates": 0}
    finally:
        slow_twilio.stop()
