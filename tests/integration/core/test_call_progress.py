"""A phone call's progress (core.conversation): a call is opened once, each turn is claimed
once, and a call that ends stays ended, even when a step's answer is kept after the end."""
from __future__ import annotations

from core.conversation import (BUSY, CLAIMED, ENDED, REPLAY, claim_turn, end_call, finish_turn,
                               open_call)
from core.models import CallState, CallStepReply


def _open(connection, clock, sid="CAprogress") -> bool:
    return open_call(connection, clock, call_sid=sid, from_phone="+447400123456",
                     data={"turn": 1, "step": "welcome"}, step_key="voice:0", reply="<greeting/>")


def test_a_call_is_opened_once(session, clock):
    connection = session.connection()
    assert _open(connection, clock) is True
    assert _open(connection, clock) is False
    assert session.query(CallState).count() == 1 and session.query(CallStepReply).count() == 1


def test_a_turn_is_claimed_once_and_its_answer_replayed(session, clock):
    connection = session.connection()
    _open(connection, clock)
    first = claim_turn(connection, clock, call_sid="CAprogress", step_key="welcome:1", turn=1)
    again = claim_turn(connection, clock, call_sid="CAprogress", step_key="welcome:1", turn=1)
    assert (first.outcome, again.outcome) == (CLAIMED, BUSY)
    finish_turn(connection, clock, call_sid="CAprogress", step_key="welcome:1",
                data={"turn": 2, "step": "identify"}, reply="<identify/>")
    replay = claim_turn(connection, clock, call_sid="CAprogress", step_key="welcome:1", turn=1)
    assert (replay.outcome, replay.reply) == (REPLAY, "<identify/>")


def test_a_call_that_ends_while_a_step_is_answered_stays_ended(session, clock):
    connection = session.connection()
    _open(connection, clock)
    claim_turn(connection, clock, call_sid="CAprogress", step_key="welcome:1", turn=1)
    assert end_call(connection, clock, call_sid="CAprogress") == {"turn": 1, "step": "welcome"}
    finish_turn(connection, clock, call_sid="CAprogress", step_key="welcome:1",
                data={"turn": 2, "step": "identify", "hold_id": 7}, reply="<identify/>")
    session.expire_all()
    state = session.get(CallState, "CAprogress")
    assert state.ended_at is not None and state.data == {}
    assert claim_turn(connection, clock, call_sid="CAprogress", step_key="identify:2",
                      turn=2).outcome == ENDED
    assert end_call(connection, clock, call_sid="CAprogress") is None
