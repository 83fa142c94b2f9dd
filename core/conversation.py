"""A phone call's progress, kept server-side by CallSid so any web worker serves any step.

Each answer the line gives is one *turn*: the caller's next request names the turn it answers.
A turn is claimed once (a row keyed by CallSid + step + turn, unique in the database), so a
step Twilio delivers twice, or a signed request replayed, has the effect of one and gets the
same answer back. Everything is cleaned up when the call ends; a small ended marker stays so a
late replay is answered with a goodbye rather than a fresh call.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .clock import Clock
from .models import CallState, CallStepReply
from .uow import UnitOfWork

PENDING = ""          # a claimed turn whose answer is still being worked out
ENDED_KEEP = timedelta(days=1)

# What claim_turn found.
CLAIMED, REPLAY, BUSY, STALE, UNKNOWN, ENDED = "claimed", "replay", "busy", "stale", "unknown", \
    "ended"


@dataclass(frozen=True)
class Claim:
    outcome: str
    data: dict | None = None       # the call's state, for a claimed turn
    reply: str | None = None       # the stored answer, for a replay or a stale step


def start_call(uow: UnitOfWork, clock: Clock, *, call_sid: str, from_phone: str,
               data: dict) -> bool:
    """Keep a new call's state; False if this CallSid is already known (a repeated delivery)."""
    session = uow.session
    if session.get(CallState, call_sid) is not None:
        return False
    now = clock.now()
    session.add(CallState(call_sid=call_sid, from_phone=from_phone[:32], data=data,
                          created_at=now, updated_at=now))
    try:
        uow.commit()
    except IntegrityError:
        uow.rollback()      # the same first step delivered twice at once: the other kept it
        return False
    return True


def claim_turn(uow: UnitOfWork, clock: Clock, *, call_sid: str, step_key: str,
               turn: int | None) -> Claim:
    """Claim one turn of the call for this request, or say why not."""
    session = uow.session
    state = session.get(CallState, call_sid)
    if state is None:
        return Claim(UNKNOWN)
    if state.ended_at is not None:
        return Claim(ENDED)
    if turn != state.data.get("turn"):
        # Not the turn the call is at: an earlier step delivered again, or out of order.
        stored = stored_reply(session, call_sid, step_key)
        if stored is not None:
            return Claim(BUSY) if stored == PENDING else Claim(REPLAY, reply=stored)
        return Claim(STALE, reply=last_reply(session, call_sid))
    session.add(CallStepReply(call_sid=call_sid, step_key=step_key[:200], reply=PENDING,
                              created_at=clock.now()))
    try:
        uow.commit()
    except IntegrityError:
        uow.rollback()      # a duplicate delivery claimed it first
        return Claim(BUSY)
    return Claim(CLAIMED, data=dict(state.data))


def finish_turn(uow: UnitOfWork, clock: Clock, *, call_sid: str, step_key: str, data: dict,
                reply: str) -> None:
    """Keep the call's new state and the answer given, for a repeated delivery to replay."""
    session = uow.session
    now = clock.now()
    session.execute(update(CallState).where(CallState.call_sid == call_sid)
                    .values(data=data, updated_at=now))
    session.execute(update(CallStepReply).where(CallStepReply.call_sid == call_sid,
                                                CallStepReply.step_key == step_key[:200])
                    .values(reply=reply))
    uow.commit()


def stored_reply(session, call_sid: str, step_key: str) -> str | None:
    return session.scalar(select(CallStepReply.reply).where(
        CallStepReply.call_sid == call_sid, CallStepReply.step_key == step_key[:200]))


def last_reply(session, call_sid: str) -> str | None:
    """The answer the caller heard last: what a step delivered out of order gets again."""
    return session.scalar(select(CallStepReply.reply).where(
        CallStepReply.call_sid == call_sid, CallStepReply.reply != PENDING)
        .order_by(CallStepReply.id.desc()).limit(1))


def call_data(session, call_sid: str) -> dict | None:
    state = session.get(CallState, call_sid)
    return None if state is None or state.ended_at else dict(state.data)


def end_call(uow: UnitOfWork, clock: Clock, *, call_sid: str) -> dict | None:
    """The call is over: forget its steps and state. Returns the state once (to release what it
    held), None if the call was unknown or already ended."""
    session = uow.session
    state = session.get(CallState, call_sid)
    if state is None or state.ended_at is not None:
        return None
    changed = session.execute(
        update(CallState).where(CallState.call_sid == call_sid, CallState.ended_at.is_(None))
        .values(ended_at=clock.now(), data={})
        .execution_options(synchronize_session=False)).rowcount == 1
    if not changed:
        uow.rollback()
        return None
    data = dict(state.data)
    session.execute(delete(CallStepReply).where(CallStepReply.call_sid == call_sid))
    uow.commit()
    return data


def forget_ended_calls(uow: UnitOfWork, clock: Clock) -> int:
    """Drop the ended markers after a day, and the state of calls that never said goodbye."""
    session = uow.session
    cutoff = clock.now() - ENDED_KEEP
    stale = list(session.scalars(select(CallState.call_sid).where(CallState.updated_at < cutoff)))
    if stale:
        session.execute(delete(CallStepReply).where(CallStepReply.call_sid.in_(stale)))
        session.execute(delete(CallState).where(CallState.call_sid.in_(stale)))
    uow.commit()
    return len(stale)
