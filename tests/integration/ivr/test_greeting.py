"""The greeting (`/ivr/voice`), every call's first step and so the line's busiest: one read to
know the caller, one write to keep the call, and a repeated delivery answered as any other."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from core.choices import approved_prisoners
from core.identify import callers_for_number
from core.models import CallState, CallStepReply
from ivr.services import Services
from tests.support.call_walker import gather_step, parse
from tests.support.twilio_requests import signed_post

from .conftest import LEAD_PHONE, SOLICITOR_PHONE, UNKNOWN_PHONE, WELSH_PHONE

GREETING = {"CallSid": "CAgreeting", "From": LEAD_PHONE}


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_greeting_delivered_twice_answers_the_same_and_keeps_one_call(client, session,
                                                                          world):
    first = signed_post(client, "/ivr/voice", GREETING).get_data(as_text=True)
    again = signed_post(client, "/ivr/voice", GREETING).get_data(as_text=True)
    assert first == again
    assert parse(first).find("Gather").get("action") == "/ivr/welcome?t=1"
    assert _count(session, CallState) == 1 and _count(session, CallStepReply) == 1


def test_the_greeting_repeated_later_in_the_call_changes_nothing(client, call, world):
    greeting = call.start()
    call.wait()
    assert gather_step(call) == "identify"
    url, params = call.requests[0]
    again = parse(signed_post(client, url, params).get_data(as_text=True))
    assert [say.text for say in again.iter("Say")] == greeting
    assert again.find("Gather").get("action") == "/ivr/welcome?t=1"
    call.press("4321#")                                # the call goes on where it was
    assert gather_step(call) == "menu"


def test_the_greeting_repeated_after_the_call_ended_hears_goodbye(client, call, world):
    call.start()
    url, params = call.requests[0]
    call.hang_up()
    root = parse(signed_post(client, url, params).get_data(as_text=True))
    assert [el.tag for el in root] == ["Say", "Hangup"]


def test_the_greeting_reads_once_and_keeps_the_call_in_one_transaction(client, engine, world):
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        signed_post(client, "/ivr/voice", GREETING)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    work = [s for s in statements if s in ("SELECT", "INSERT", "UPDATE", "WITH")]
    writes = 1 if engine.dialect.name == "postgresql" else 2     # SQLite: two INSERTs
    assert work == ["SELECT"] + ["WITH" if writes == 1 else "INSERT"] * writes
    assert statements.count("RELEASE") <= 1                      # one unit of work committed


@pytest.mark.parametrize("number", [LEAD_PHONE, WELSH_PHONE, SOLICITOR_PHONE, UNKNOWN_PHONE,
                                    "07400 123456", "not a number"])
def test_the_greetings_read_finds_who_the_core_finds(container, session, world, number):
    """One statement stands for core.identify.callers_for_number and the first of
    core.choices.approved_prisoners: they must keep agreeing."""
    callers = callers_for_number(session, number)
    greeting = Services(container).greeting(number)
    assert greeting.known == bool(callers)
    if callers:
        first = callers[0]
        prisoners = approved_prisoners(session, first.id)
        welsh = first.language == "cy" or (prisoners and prisoners[0].prison.language == "cy")
        assert greeting.language == ("cy" if welsh else first.language)
