"""A phone call's progress, kept server-side by CallSid so any web worker serves any step.

Each answer the line gives is one *turn*: the caller's next request names the turn it answers.
A turn is claimed once (a row keyed by CallSid + step + turn, unique in the database), so a
step Twilio delivers twice, or a signed request replayed, has the effect of one and gets the
same answer back. Everything is cleaned up when the call ends; a small ended marker stays so a
late replay is answered with a goodbye rather than a fresh call.

Every webhook of a call comes through here, so these are plain statements on the two tables,
built once (no ORM objects loaded): a call's first step is worked out from a read of its own,
then kept, state and answer together, in one statement (two on SQLite); every later turn is
claimed (a read and an insert) before its work and kept (two updates) after it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .clock import Clock
from .models import CallState, CallStepReply
from .uow import UnitOfWork

PENDING = ""          # a claimed turn whose answer is still being worked out
ENDED_KEEP = timedelta(days=1)

# What claim_turn found.
CLAIMED, REPLAY, BUSY, STALE, UNKNOWN, ENDED = "claimed", "replay", "busy", "stale", "unknown", \
    "ended"

_STATES, _REPLIES = CallState.__table__, CallStepReply.__table__
_KEEP_STATE = insert(_STATES)
_KEEP_REPLY = insert(_REPLIES)
# PostgreSQL keeps a new call's state and first answer in one statement: one round trip, not two.
_kept_state = (insert(_STATES).values(
    call_sid=bindparam("call_sid"), from_phone=bindparam("from_phone"), data=bindparam("data"),
    created_at=bindparam("created_at"), updated_at=bindparam("updated_at"))
    .returning(_STATES.c.call_sid).cte("kept_state"))
_KEEP_STATE_AND_REPLY = insert(_REPLIES).from_select(
    ["call_sid", "step_key", "reply", "created_at"],
    select(_kept_state.c.call_sid, bindparam("step_key", type_=_REPLIES.c.step_key.type),
           bindparam("reply", type_=_REPLIES.c.reply.type),
           bindparam("created_at", type_=_REPLIES.c.created_at.type)))
# Rows are found by "sid" (and "key"); values go by their column's name.
_READ_STATE = select(_STATES.c.data, _STATES.c.ended_at).where(
    _STATES.c.call_sid == bindparam("sid"))
_UPDATE_STATE = update(_STATES).where(_STATES.c.call_sid == bindparam("sid")).values(
    data=bindparam("data"), updated_at=bindparam("updated_at"))
_THIS_REPLY = (_REPLIES.c.call_sid == bindparam("sid"), _REPLIES.c.step_key == bindparam("key"))
_UPDATE_REPLY = update(_REPLIES).where(*_THIS_REPLY).values(reply=bindparam("reply"))
_READ_REPLY = select(_REPLIES.c.reply).where(*_THIS_REPLY)


@dataclass(frozen=True)
class Claim:
    outcome: str
    data: dict | None = None       # the call's state, for a claimed turn
    reply: str | None = None       # the stored answer, for a replay or a stale step


def open_call(uow: UnitOfWork, clock: Clock, *, call_sid: str, from_phone: str, data: dict,
              step_key: str, reply: str) -> bool:
    """A new call: its state and the answer to its first step, kept in one transaction. False if
    this CallSid is already known (the first step delivered again, or twice at once: the other
    delivery kept it); answer that request as any repeated step is answered."""
    now = clock.now()
    state = {"call_sid": call_sid, "from_phone": from_phone[:32], "data": data,
             "created_at": now, "updated_at": now}
    answer = {"call_sid": call_sid, "step_key": step_key[:200], "reply": reply, "created_at": now}
    connection = uow.session.connection()
    try:
        if connection.dialect.name == "postgresql":
            connection.execute(_KEEP_STATE_AND_REPLY, state | answer)
        else:
            connection.execute(_KEEP_STATE, state)
            connection.execute(_KEEP_REPLY, answer)
        uow.commit()
    except IntegrityError:
        uow.rollback()      # another delivery of the first step kept the call
        return False
    return True


def claim_turn(uow: UnitOfWork, clock: Clock, *, call_sid: str, step_key: str,
               turn: int | None) -> Claim:
    """Claim one turn of the call for this request, or say why not."""
    session = uow.session
    state = _state(session, call_sid)
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
    try:
        session.connection().execute(_KEEP_REPLY, {
            "call_sid": call_sid, "step_key": step_key[:200], "reply": PENDING,
            "created_at": clock.now()})
        uow.commit()
    except IntegrityError:
        uow.rollback()      # a duplicate delivery claimed it first
        return Claim(BUSY)
    return Claim(CLAIMED, data=dict(state.data))


def finish_turn(uow: UnitOfWork, clock: Clock, *, call_sid: str, step_key: str, data: dict,
                reply: str) -> None:
    """Keep the call's new state and the answer given, for a repeated delivery to replay."""
    connection = uow.session.connection()
    connection.execute(_UPDATE_STATE, {"sid": call_sid, "data": data, "updated_at": clock.now()})
    connection.execute(_UPDATE_REPLY, {"sid": call_sid, "key": step_key[:200], "reply": reply})
    uow.commit()


def stored_reply(session, call_sid: str, step_key: str) -> str | None:
    return session.connection().execute(
        _READ_REPLY, {"sid": call_sid, "key": step_key[:200]}).scalar()


def last_reply(session, call_sid: str) -> str | None:
    """The answer the caller heard last: what a step delivered out of order gets again."""
    return session.scalar(select(_REPLIES.c.reply).where(
        _REPLIES.c.call_sid == call_sid, _REPLIES.c.reply != PENDING)
        .order_by(_REPLIES.c.id.desc()).limit(1))


def call_data(session, call_sid: str) -> dict | None:
    state = _state(session, call_sid)
    return None if state is None or state.ended_at else dict(state.data)


def end_call(uow: UnitOfWork, clock: Clock, *, call_sid: str) -> dict | None:
    """The call is over: forget its steps and state. Returns the state once (to release what it
    held), None if the call was unknown or already ended."""
    session = uow.session
    state = _state(session, call_sid)
    if state is None or state.ended_at is not None:
        return None
    changed = session.execute(
        update(_STATES).where(_STATES.c.call_sid == call_sid, _STATES.c.ended_at.is_(None))
        .values(ended_at=clock.now(), data={})).rowcount == 1
    if not changed:
        uow.rollback()
        return None
    session.execute(delete(_REPLIES).where(_REPLIES.c.call_sid == call_sid))
    uow.commit()
    return dict(state.data)


def _state(session, call_sid: str):
    """The call's row (data, ended_at), or None."""
    return session.connection().execute(_READ_STATE, {"sid": call_sid}).first()


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
