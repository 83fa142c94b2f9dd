"""Without Redis (the embedded default) the line's own process sends texts right after commit
and runs the periodic pass; a text left 'queued' by a stopped process is sent after a restart."""
from __future__ import annotations

import time
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.container import build
from config.db import make_engine
from config.inprocess import InProcessJobs
from core.actor import SMS, Actor
from core.booking import book_visit
from core.models import OutboundMessage, VisitSlot
from core.slots import ensure_visit_slots

from .conftest import line_settings


def _wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)
    return predicate()


def _statuses(engine):
    with Session(engine) as session:
        return sorted(session.scalars(select(OutboundMessage.status)))


def test_texts_are_sent_in_process_when_there_is_no_redis(backend, db_url, people, received,
                                                         fake_twilio, clock, tmp_path):
    container = build(line_settings(db_url, None, fake_twilio.base_url, tmp_path), clock=clock,
                      engine=make_engine(db_url))
    assert container.relay is None                  # nothing queued in Redis
    runner = InProcessJobs(container)
    runner.start()
    try:
        with Session(container.engine) as session:
            ensure_visit_slots(session, session.merge(people.prison), clock,
                               until=date(2026, 12, 31))
            session.commit()
            slot_id = session.scalar(select(VisitSlot.id).where(
                VisitSlot.date == date(2026, 12, 10)))
        with container.uow() as uow:
            book_visit(uow, clock, slot_id=slot_id, prisoner_id=people.prisoner.id,
                       visitor_ids=[people.lead.id], actor=Actor.visitor(people.lead.id, SMS))
        assert _wait_for(lambda: "sent" in _statuses(container.engine))
        assert received.stats() == {"received": 1, "distinct": 1, "duplicates": 0}
    finally:
        runner.stop()
    # A text the stopped process had claimed but not sent goes out after the next start.
    with Session(container.engine) as session, session.begin():
        session.execute(OutboundMessage.__table__.update()
                        .where(OutboundMessage.status == "sent")
                        .values(status="queued", provider_sid=None, attempts=0))
    received.texts.clear()
    restarted = InProcessJobs(container)
    restarted.wire()
    restarted.run_periodic()
    restarted.send_one(restarted.dispatch.waiting.get(timeout=1))
    assert received.stats() == {"received": 1, "distinct": 1, "duplicates": 0}
    container.engine.dispose()
