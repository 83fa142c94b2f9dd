"""Many texts sent at once (core.delivery_batch.deliver_batch) through the real twilio client on a pool of
threads, against the fake Messages API: each text goes once with its own SID; one failing
transiently comes back to be sent on its own without touching the others; permanent failures are
recorded; opted-out numbers, landlines, numbers over their daily cap and reminders for started
visits are never sent to; an attempt in flight or of unknown outcome is left to deliver_message,
which adopts what the provider already has; a batch run twice, or twice at once, sends once; a
claim too old to call the provider safely is released, not sent."""
from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from config.sms_wiring import make_sender
from core import delivery_batch
from core.delivery import deliver_message
from core.delivery_batch import deliver_batch
from core.models import OutboundMessage, PhoneOptOut
from sms.twilio_sender import TwilioSender, make_client
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN

from .conftest import LINE
from .test_sending import queued, reread



@pytest.fixture(scope="module")
def pool():
    executor = ThreadPoolExecutor(4)
    yield executor
    executor.shutdown()


def phone(n: int) -> str:
    return f"+4474005{n:05d}"


def texts(session, clock, count: int, **values) -> list[int]:
    return [queued(session, clock, phone=phone(n), body=f"Visit booked: ref {n}", **values)
            for n in range(count)]


def batch(uow_factory, clock, sender, ids, pool, **options):
    with uow_factory() as uow:
        return deliver_batch(uow, clock, sender, ids, executor=pool, **options)


def sid_taken_for(fake_twilio, body: str) -> str:
    [taken] = [t["sid"] for t in fake_twilio.taken if t["body"] == body]
    return taken


def test_a_batch_sends_each_text_once_with_its_own_sid(session, uow_factory, clock, sender,
                                                       fake_twilio, pool):
    assert isinstance(sender, TwilioSender)
    ids = texts(session, clock, 24)
    done = batch(uow_factory, clock, sender, ids, pool)
    assert done.counts() == {"sent": 24} and done.retry == []
    assert len(fake_twilio.requests) == 24
    assert len({(r["To"], r["Body"]) for r in fake_twilio.requests}) == 24
    for mid in ids:
        message = reread(session, mid)
        # The threads' clients never hand one text another's answer.
        assert message.provider_sid == sid_taken_for(fake_twilio, message.body)
        assert (message.status, message.attempts, message.error_code) == ("sent", 1, "")
        assert message.sent_at == clock.now()
    assert {r["StatusCallback"] for r in fake_twilio.requests} == {
        f"{LINE}/sms/status?m={mid}" for mid in ids}


def test_a_batch_run_again_sends_nothing_more(session, uow_factory, clock, sender, fake_twilio,
                                              pool):
    ids = texts(session, clock, 5)
    batch(uow_factory, clock, sender, ids, pool)
    again = batch(uow_factory, clock, sender, ids, pool)
    assert again.counts() == {"already": 5}
    assert len(fake_twilio.requests) == 5


@pytest.mark.parametrize("status", [429, 500, 503])
def test_one_transient_failure_comes_back_alone_and_is_sent_on_its_own(
        session, uow_factory, clock, sender, fake_twilio, pool, status):
    ids = texts(session, clock, 6)
    fake_twilio.fail_to(phone(3), status)
    done = batch(uow_factory, clock, sender, ids, pool)
    assert done.retry == [ids[3]]
    assert done.counts() == {"sent": 5, "retry": 1}
    waiting = reread(session, ids[3])
    assert (waiting.status, waiting.provider_sid, waiting.attempts) == ("queued", None, 1)
    assert waiting.error_code == str({429: 20429, 500: 20500, 503: 20503}[status])
    # Sent on its own (the retry job): the others are not sent again.
    assert deliver(uow_factory, clock, sender, ids[3]).outcome == "sent"
    assert len(fake_twilio.taken) == 6 and len(fake_twilio.requests) == 7
    assert (reread(session, ids[3]).attempts, reread(session, ids[3]).error_code) == (2, "")


def deliver(uow_factory, clock, sender, message_id):
    with uow_factory() as uow:
        return deliver_message(uow, clock, sender, message_id)


def test_permanent_failures_are_recorded_and_an_unsubscribed_number_opts_out(
        session, uow_factory, clock, sender, fake_twilio, pool):
    ids = texts(session, clock, 4)
    fake_twilio.fail_to(phone(1), 400, 21211)
    fake_twilio.fail_to(phone(2), 400, 21610)
    done = batch(uow_factory, clock, sender, ids, pool)
    assert done.retry == []
    assert [(reread(session, mid).status, reread(session, mid).error_code) for mid in ids] == [
        ("sent", ""), ("failed", "21211"), ("failed", "21610"), ("sent", "")]
    assert session.get(PhoneOptOut, phone(2)).opted_out is True
    assert batch(uow_factory, clock, sender, ids, pool).counts() == {"already": 4}
    assert len(fake_twilio.requests) == 4


def test_texts_never_sent_are_skipped_or_withdrawn_in_a_batch(session, uow_factory, clock,
                                                              sender, fake_twilio, pool, world):
    session.add(PhoneOptOut(phone=phone(1), opted_out=True, changed_at=clock.now()))
    session.commit()
    ids = {
        "sent": queued(session, clock, phone=phone(0)),
        "opted_out": queued(session, clock, phone=phone(1)),
        "not_mobile": queued(session, clock, phone="+441132000000"),
        "stale": queued(session, clock, phone=phone(2), kind="reminder",
                        booking_id=world.booking.id),
        "first_two": queued(session, clock, phone=phone(3), body="one"),
        "second": queued(session, clock, phone=phone(3), body="two"),
        "over_cap": queued(session, clock, phone=phone(3), body="three"),
    }
    clock.set(world.slot.starts_at + timedelta(minutes=1))
    done = batch(uow_factory, clock, sender, list(ids.values()), pool, daily_cap=2)
    assert {name: done.outcomes[mid].outcome for name, mid in ids.items()} == {
        "sent": "sent", "opted_out": "skipped", "not_mobile": "skipped", "stale": "withdrawn",
        "first_two": "sent", "second": "sent", "over_cap": "skipped"}
    assert reread(session, ids["over_cap"]).error_code == "daily_cap"
    assert sorted(r["To"] for r in fake_twilio.requests) == [phone(0), phone(3), phone(3)]


def test_validity_in_a_batch_is_the_texts_own(session, uow_factory, clock, sender, fake_twilio,
                                              pool, world):
    clock.set(world.slot.starts_at - timedelta(hours=1))
    offer = queued(session, clock, kind="offer", phone=phone(0))
    reminder = queued(session, clock, kind="reminder", phone=phone(1),
                      booking_id=world.booking.id)
    other = queued(session, clock, phone=phone(2))
    batch(uow_factory, clock, sender, [offer, reminder, other], pool)
    assert {r["To"]: r["ValidityPeriod"] for r in fake_twilio.requests} == {
        phone(0): "1800", phone(1): "3600", phone(2): "14400"}


def test_an_attempt_in_flight_or_of_unknown_outcome_is_left_to_its_own_job(
        session, uow_factory, clock, sender, fake_twilio, pool):
    fresh = texts(session, clock, 1)[0]
    in_flight = queued(session, clock, phone=phone(7), attempts=1, error_code="sending",
                       status_updated_at=clock.now())
    unsure = queued(session, clock, phone=phone(8), body="reached", attempts=1,
                    error_code="no_answer", status_updated_at=clock.now())
    reached = sender.send(message_id=unsure, to=phone(8), body="reached", validity_period=60)
    done = batch(uow_factory, clock, sender, [fresh, in_flight, unsure], pool)
    assert done.retry == [in_flight, unsure] and done.outcomes[fresh].outcome == "sent"
    assert reread(session, in_flight).attempts == 1      # not claimed by the batch
    # On its own: the one that reached Twilio is adopted; the other waits out its lease.
    assert deliver(uow_factory, clock, sender, unsure).outcome == "sent"
    assert reread(session, unsure).provider_sid == reached
    clock.advance(minutes=1)
    assert deliver(uow_factory, clock, sender, in_flight).outcome == "sent"
    assert sorted(t["to"] for t in fake_twilio.taken) == [phone(0), phone(7), phone(8)]


def test_no_answer_in_a_batch_is_checked_before_any_resend(session, uow_factory, clock,
                                                           fake_twilio, pool):
    impatient = TwilioSender(new_client=lambda: make_client(
        ACCOUNT_SID, AUTH_TOKEN, api_base_url=fake_twilio.base_url, timeout=0.3),
        from_number="+447400000999")
    ids = texts(session, clock, 3)
    fake_twilio.hang_to(phone(1), 1.0)
    done = batch(uow_factory, clock, impatient, ids, pool)
    assert done.retry == [ids[1]]
    assert reread(session, ids[1]).error_code == "no_answer"
    assert deliver(uow_factory, clock, impatient, ids[1]).outcome == "sent"
    assert len(fake_twilio.taken) == 3 and len(fake_twilio.requests) == 3
    assert reread(session, ids[1]).provider_sid == sid_taken_for(fake_twilio,
                                                                 "Visit booked: ref 1")


class SlowFirst:
    """A sender whose first call takes a while."""

    def __init__(self, sender, seconds: float):
        self._sender, self._seconds, self._calls = sender, seconds, 0

    def send(self, **text):
        self._calls += 1
        if self._calls == 1:
            time.sleep(self._seconds)
        return self._sender.send(**text)

    def find_sent(self, **text):
        return self._sender.find_sent(**text)


def test_a_claim_too_old_to_call_the_provider_safely_is_released_unsent(
        session, uow_factory, clock, sender, fake_twilio, monkeypatch):
    monkeypatch.setattr(delivery_batch, "SEND_START_WITHIN", timedelta(seconds=0.2))
    ids = texts(session, clock, 3)
    done = batch(uow_factory, clock, SlowFirst(sender, 0.4), ids, None)   # one after another
    assert done.outcomes[ids[0]].outcome == "sent" and done.retry == ids[1:]
    released = reread(session, ids[1])
    assert (released.status, released.error_code, released.provider_sid) == ("queued", "", None)
    assert len(fake_twilio.requests) == 1
    # Nothing to look for at the provider: sent straight away on its own.
    assert deliver(uow_factory, clock, sender, ids[1]).outcome == "sent"
    assert len(fake_twilio.requests) == 2


def test_two_batches_of_the_same_texts_at_once_send_each_once(databases, backend, tmp_path,
                                                              clock, line_settings, fake_twilio):
    from config.container import build
    container = build(dataclasses.replace(line_settings,
                                          database_url=databases.fresh_url(backend)),
                      clock=clock)
    with Session(container.engine) as session:
        ids = texts(session, clock, 12)
    barrier, results = threading.Barrier(2), []
    shared = make_sender(line_settings)

    def run() -> None:
        with ThreadPoolExecutor(3) as executor:
            barrier.wait()
            with container.uow() as uow:
                results.append(deliver_batch(uow, clock, shared, ids, executor=executor))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with Session(container.engine) as session:
        recorded = {m.id: m.provider_sid for m in session.query(OutboundMessage)}
    container.engine.dispose()
    assert len(results) == 2
    assert len(fake_twilio.requests) == 12 and len(fake_twilio.taken) == 12
    for mid in ids:
        outcomes = sorted(r.outcomes[mid].outcome for r in results)
        # One batch sent it; the other found it sent, or left it to a job of its own.
        assert outcomes in (["already", "sent"], ["retry", "sent"])
    assert set(recorded.values()) == {t["sid"] for t in fake_twilio.taken}


@pytest.mark.parametrize("backend", ["postgresql"])
def test_only_the_outcomes_commit_without_waiting_for_the_disk(
        databases, backend, clock, line_settings, fake_twilio):
    """The claim must be durable before a text goes (a claim lost in a crash could send it
    twice); the outcomes need not be (a lost 'sent' is found again by find_sent)."""
    from config.container import build
    container = build(dataclasses.replace(line_settings,
                                          database_url=databases.fresh_url(backend)),
                      clock=clock)
    with Session(container.engine) as session:
        ids = texts(session, clock, 3)
    transactions, current = [], []

    @event.listens_for(container.engine, "before_cursor_execute")
    def seen(conn, cursor, statement, parameters, context, executemany):
        current.append(statement)

    @event.listens_for(container.engine, "commit")
    def committed(conn):
        transactions.append(list(current))
        current.clear()

    with container.uow() as uow:
        deliver_batch(uow, clock, make_sender(line_settings), ids)
    container.engine.dispose()
    [claim] = [t for t in transactions if any("attempts=" in s for s in t)]
    [outcomes] = [t for t in transactions if any("provider_sid=" in s for s in t)]
    assert not any("synchronous_commit" in s for s in claim)
    assert outcomes[0] == "SET LOCAL synchronous_commit = off"
