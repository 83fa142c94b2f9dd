"""Deliveries racing each other on a real committed database, each request on its own
connection, as gunicorn's workers would take them, and calls' progress kept as in production
(in autocommit on PostgreSQL): the same step delivered many times at once has the effect of one,
and every delivery hears the same answer."""
from __future__ import annotations

import threading
from xml.etree import ElementTree
from dataclasses import replace

import pytest
from sqlalchemy import func, select, update

from config.app import create_app
from config.db import make_calls_connection, make_engine, make_session_factory
from core.conversation import end_call, open_call
from core.models import CallState, CallStepReply
from tests.support.factories import create_visitor
from tests.support.twilio_requests import signed_post

pytestmark = pytest.mark.slow

DELIVERIES = 8
PHONE = "+447400123456"


@pytest.fixture
def line(databases, backend, container):
    """The line over a fresh database with real commits and a connection per delivery."""
    engine = make_engine(databases.fresh_url(backend), pool_size=DELIVERIES + 2, max_overflow=0)
    session_factory = make_session_factory(engine)
    with session_factory() as session:
        create_visitor(session, first_name="Sarah", last_name="Hughes", phone=PHONE)
        session.commit()
    app = create_app(container=replace(
        container, engine=engine, session_factory=session_factory,
        calls_connection=make_calls_connection(engine)))
    yield app, session_factory
    engine.dispose()


def _all_at_once(app, path: str, params: dict) -> list[str]:
    barrier = threading.Barrier(DELIVERIES)
    answers: list[str] = []

    def deliver():
        client = app.test_client()
        barrier.wait()
        response = signed_post(client, path, params)
        answers.append(f"{response.status_code} {response.get_data(as_text=True)}")

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_the_greeting_delivered_many_times_at_once_keeps_one_call(line):
    app, session_factory = line
    answers = _all_at_once(app, "/ivr/voice", {"CallSid": "CArace", "From": PHONE})
    assert len(set(answers)) == 1 and answers[0].startswith("200 ")
    assert "/ivr/welcome?t=1" in answers[0]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CallState)) == 1
        assert session.scalar(select(func.count()).select_from(CallStepReply)) == 1


def test_a_step_delivered_many_times_at_once_is_answered_once(line):
    app, session_factory = line
    client = app.test_client()
    signed_post(client, "/ivr/voice", {"CallSid": "CAstep", "From": PHONE})
    answers = _all_at_once(app, "/ivr/welcome?t=1", {"CallSid": "CAstep", "From": PHONE})
    assert len(set(answers)) == 1 and "/ivr/identify?t=2" in answers[0]
    with session_factory() as session:
        state = session.get(CallState, "CAstep")
        assert state.data["turn"] == 2 and state.data["step"] == "identify"
        assert session.scalar(select(func.count()).select_from(CallStepReply)) == 2


def test_a_call_that_ends_forgets_its_steps_once_however_often_the_status_comes(line):
    app, session_factory = line
    client = app.test_client()
    signed_post(client, "/ivr/voice", {"CallSid": "CAend", "From": PHONE})
    signed_post(client, "/ivr/welcome?t=1", {"CallSid": "CAend", "From": PHONE, "Digits": "1"})
    answers = _all_at_once(app, "/ivr/status", {"CallSid": "CAend", "CallStatus": "completed"})
    assert {answer.split(" ", 1)[0] for answer in answers} == {"200"}
    with session_factory() as session:
        state = session.get(CallState, "CAend")
        assert state.ended_at is not None and state.data == {}
        assert session.scalar(select(func.count()).select_from(CallStepReply)) == 0
    late = signed_post(client, "/ivr/identify?t=2", {"CallSid": "CAend", "Digits": "4321#"})
    assert ElementTree.fromstring(late.get_data()).find("Hangup") is not None


def test_a_call_ending_while_a_step_keeps_its_state_gets_the_state_as_kept(
        databases, clock):
    """The status callback comes while a step is keeping the table it held: the call's end
    waits for the step and returns the hold, so it is released, not stranded until it lapses."""
    engine = make_engine(databases.fresh_url("postgresql"))
    calls = make_calls_connection(engine)
    with calls() as connection:
        open_call(connection, clock, call_sid="CAhold", from_phone=PHONE,
                  data={"turn": 1, "step": "confirm"}, step_key="voice:0", reply="<x/>")
    step = engine.connect()
    keeping = step.begin()
    step.execute(update(CallState).where(CallState.call_sid == "CAhold")
                 .values(data={"turn": 2, "step": "confirm", "hold_id": 42}))
    ended: list[dict | None] = []

    def status_callback():
        with calls() as connection:
            ended.append(end_call(connection, clock, call_sid="CAhold"))

    callback = threading.Thread(target=status_callback)
    callback.start()
    callback.join(timeout=0.5)
    assert callback.is_alive() and ended == []      # waiting for the step's row
    keeping.commit()
    callback.join(timeout=10)
    step.close()
    assert ended == [{"turn": 2, "step": "confirm", "hold_id": 42}]
    engine.dispose()
