"""A phone call's progress, kept server-side by CallSid so any web worker serves any step.

Each answer the line gives is one *turn*: the caller's next request names the turn it answers.
A turn is claimed once (a row keyed by CallSid + step + turn, unique in the database), so a
step Twilio delivers twice, or a signed request replayed, has the effect of one and gets the
same answer back. Everything is cleaned up when the call ends; a small ended marker stays so a
late replay is answered with a goodbye rather than a fresh call.

Every webhook of a call comes through here, so these are plain statements on the two tables,
built once (no ORM objects loaded, no session), each of which stands alone: a new call or a
claimed turn is one insert that the unique key guards (ON CONFLICT DO NOTHING, so a lost race
is an empty result, not an error), and a call's state and its answer are kept by one statement.
So the caller's connection need not hold a transaction: on PostgreSQL it is in autocommit and a
turn costs only its statements' round trips (config.db). A call's first step is worked out from
a read, then kept in one statement; every later turn is claimed (a read and an insert) before
its work and kept (one statement) after it. On SQLite, where one statement cannot write two
tables, the pair is two statements in the connection's transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .clock import Clock
from .models import CallState, CallStepReply

PENDING = ""          # a claimed turn whose answer is still being worked out
ENDED_KEEP = timedelta(days=1)

# What claim_turn found.
CLAIMED, REPLAY, BUSY, STALE, UNKNOWN, ENDED = "claimed", "replay", "busy", "stale", "unknown", \
    "ended"

_STATES, _REPLIES = CallState.__table__, CallStepReply.__table__


def _new_row(table, dialect):
    """An insert that adds nothing, and says so, when its key is already taken."""
    return dialect.insert(table).on_conflict_do_nothing().returning(table.c[0])


_NEW_STATE = {name: _new_row(_STATES, dialect)
              for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
_NEW_REPLY = {name: _new_row(_REPLIES, dialect)
              for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
# PostgreSQL keeps a new call's state and first answer in one statement: one round trip, not two.
_kept_state = (postgresql.insert(_STATES).values(
    call_sid=bindparam("call_sid"), from_phone=bindparam("from_phone"), data=bindparam("data"),
    created_at=bindparam("created_at"), updated_at=bindparam("updated_at"))
    .on_conflict_do_nothing().returning(_STATES.c.call_sid).cte("kept_state"))
_NEW_STATE_AND_REPLY = postgresql.insert(_REPLIES).from_select(
    ["call_sid", "step_key", "reply", "created_at"],
    select(_kept_state.c.call_sid, bindparam("step_key", type_=_REPLIES.c.step_key.type),
           bindparam("reply", type_=_REPLIES.c.reply.type),
           bindparam("created_at", type_=_REPLIES.c.created_at.type))
).returning(_REPLIES.c.call_sid)
# Rows are found by "sid" (and "key"); values go by their column's name.
_READ_STATE = select(_STATES.c.data, _STATES.c.ended_at).where(
    _STATES.c.call_sid == bindparam("sid"))
# A call that ended while a step was being answered stays ended (its hold, if any, lapses).
_UPDATE_STATE = update(_STATES).where(
    _STATES.c.call_sid == bindparam("sid"), _STATES.c.ended_at.is_(None)).values(
    data=bindparam("data"), updated_at=bindparam("updated_at"))
_THIS_REPLY = (_REPLIES.c.call_sid == bindparam("sid"), _REPLIES.c.step_key == bindparam("key"))
_UPDATE_REPLY = update(_REPLIES).where(*_THIS_REPLY).values(reply=bindparam("reply"))
# PostgreSQL keeps a turn's new state and its answer in one statement.
_UPDATE_STATE_AND_REPLY = _UPDATE_REPLY.add_cte(
    _UPDATE_STATE.returning(_STATES.c.call_sid).cte("kept_state"))
_READ_REPLY = select(_REPLIES.c.reply).where(*_THIS_REPLY)
# PostgreSQL ends a call in one statement that locks the row and returns what it held.
_was = (select(_STATES.c.call_sid, _STATES.c.data)
        .where(_STATES.c.call_sid == bindparam("sid"), _STATES.c.ended_at.is_(None))
        .with_for_update().subquery("was"))
_END_CALL = (update(_STATES).where(_STATES.c.call_sid == _was.c.call_sid)
             .values(ended_at=bindparam("ended_at"), data={}).returning(_was.c.data))


@dataclass(frozen=True)
class Claim:
    outcome: str
    data: dict | None = None       # the call's state, for a claimed turn
    reply: str | None = None       # the stored answer, for a replay or a stale step


def open_call(connection: Connection, clock: Clock, *, call_sid: str, from_phone: str,
              data: dict, step_key: str, reply: str) -> bool:
    """A new call: its state and the answer to its first step, kept together. False if this
    CallSid is already known (the first step delivered again, or twice at once: the other
    delivery kept it); answer that request as any repeated step is answered."""
    now = clock.now()
    state = {"call_sid": call_sid, "from_phone": from_phone[:32], "data": data,
             "created_at": now, "updated_at": now}
    answer = {"call_sid": call_sid, "step_key": step_key[:200], "reply": reply, "created_at": now}
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return connection.execute(_NEW_STATE_AND_REPLY, state | answer).first() is not None
    if connection.execute(_NEW_STATE[dialect], state).first() is None:
        return False
    connection.execute(_NEW_REPLY[dialect], answer)
    return True


def claim_turn(connection: Connection, clock: Clock, *, call_sid: str, step_key: str,
               turn: int | None) -> Claim:
    """Claim one turn of the call for this request, or say why not."""
    state = _state(connection, call_sid)
    if state is None:
        return Claim(UNKNOWN)
    if state.ended_at is not None:
        return Claim(ENDED)
    if turn != state.data.get("turn"):
        # Not the turn the call is at: an earlier step delivered again, or out of order.
        stored = stored_reply(connection, call_sid, step_key)
        if stored is not None:
            return Claim(BUSY) if stored == PENDING else Claim(REPLAY, reply=stored)
        return Claim(STALE, reply=last_reply(connection, call_sid))
    claimed = connection.execute(_NEW_REPLY[connection.dialect.name], {
        "call_sid": call_sid, "step_key": step_key[:200], "reply": PENDING,
        "created_at": clock.now()}).first()
    if claimed is None:
        return Claim(BUSY)      # a duplicate delivery claimed it first
    return Claim(CLAIMED, data=dict(state.data))


def finish_turn(connection: Connection, clock: Clock, *, call_sid: str, step_key: str,
                data: dict, reply: str) -> None:
    """Keep the call's new state and the answer given, for a repeated delivery to replay."""
    values = {"sid": call_sid, "key": step_key[:200], "data": data, "updated_at": clock.now(),
              "reply": reply}
    if connection.dialect.name == "postgresql":
        connection.execute(_UPDATE_STATE_AND_REPLY, values)
    else:
        connection.execute(_UPDATE_STATE, values)
        connection.execute(_UPDATE_REPLY, values)


def stored_reply(connection: Connection, call_sid: str, step_key: str) -> str | None:
    return connection.execute(
        _READ_REPLY, {"sid": call_sid, "key": step_key[:200]}).scalar()


def last_reply(connection: Connection, call_sid: str) -> str | None:
    """The answer the caller heard last: what a step delivered out of order gets again."""
    return connection.execute(select(_REPLIES.c.reply).where(
        _REPLIES.c.call_sid == call_sid, _REPLIES.c.reply != PENDING)
        .order_by(_REPLIES.c.id.desc()).limit(1)).scalar()


def call_data(connection: Connection, call_sid: str) -> dict | None:
    state = _state(connection, call_sid)
    return None if state is None or state.ended_at else dict(state.data)


def end_call(connection: Connection, clock: Clock, *, call_sid: str) -> dict | None:
    """The call is over: forget its steps and state. Returns the state once (to release what it
    held), None if the call was unknown or already ended. Ending is one guarded update, so of two
    status callbacks only one gets the state, and it is the state as last kept: on PostgreSQL the
    row is locked and read by the ending statement itself, so a step kept a moment before (a
    table held, say) is not missed. Steps left by a crash after it are forgotten with the call a
    day later (forget_ended_calls)."""
    if connection.dialect.name == "postgresql":
        was = connection.execute(_END_CALL, {"sid": call_sid, "ended_at": clock.now()}).first()
        if was is None:
            return None
        connection.execute(delete(_REPLIES).where(_REPLIES.c.call_sid == call_sid))
        return dict(was.data)
    state = _state(connection, call_sid)
    if state is None or state.ended_at is not None:
        return None
    ended = connection.execute(
        update(_STATES).where(_STATES.c.call_sid == call_sid, _STATES.c.ended_at.is_(None))
        .values(ended_at=clock.now(), data={})).rowcount == 1
    if ended:
        connection.execute(delete(_REPLIES).where(_REPLIES.c.call_sid == call_sid))
    return dict(state.data) if ended else None


def _state(connection: Connection, call_sid: str):
    """The call's row (data, ended_at), or None."""
    return connection.execute(_READ_STATE, {"sid": call_sid}).first()


def forget_ended_calls(connection: Connection, clock: Clock) -> int:
    """Drop the ended markers after a day, and the state of calls that never said goodbye."""
    cutoff = clock.now() - ENDED_KEEP
    stale = list(connection.execute(
        select(CallState.call_sid).where(CallState.updated_at < cutoff)).scalars())
    if stale:
        connection.execute(delete(CallStepReply).where(CallStepReply.call_sid.in_(stale)))
        connection.execute(delete(CallState).where(CallState.call_sid.in_(stale)))
    return len(stale)
