"""The phone line's webhooks: one POST route per menu step, each a turn of the call.

`POST /ivr/voice` is where the Twilio number's "a call comes in" points (add `?prison=CODE` for
a number that belongs to one prison); every later step is reached by a <Gather action>,
<Record action>, <Dial action> or <Enqueue action> carrying `?t=<turn>`. The call's progress is
kept by CallSid in the database (core.conversation), so any worker serves any step; a step
delivered twice is answered once and replayed. Nothing a caller or a forged request sends makes
a 500: whatever fails, the caller hears something sensible. A turn's database work (loading the
call, working the step out unless it committed a change, keeping the answer) is tried again across
a dropped connection (core.reconnect), so a database restart is a pause in the call, not an
apology.
"""
from __future__ import annotations

import copy
import logging
import time

from flask import Blueprint, Response, current_app, request

from core import catalogue
from core.conversation import (BUSY, CLAIMED, ENDED, REPLAY, STALE, UNKNOWN, call_data,
                               claim_turn, end_call, finish_turn, open_call, stored_reply)
from core.reconnect import dropped, first_work

from . import flow, twiml
from .answers import Answer
from .call import Call
from .engine import STEPS
from .reply import Reply, Said
from .services import Services

log = logging.getLogger(__name__)
EXTENSION = "visitline"
FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
BUSY_WAIT_SECONDS = 4.0
VOICE_KEY = "voice:0"       # the greeting's step key, as _turn names it (turn 0)


def make_blueprint() -> Blueprint:
    blueprint = Blueprint("ivr", __name__, url_prefix=twiml.PREFIX)
    blueprint.add_url_rule("/voice", "voice", voice, methods=["POST"])
    blueprint.add_url_rule("/status", "status", status, methods=["POST"])
    blueprint.add_url_rule("/queue_wait", "queue_wait", queue_wait, methods=["POST"])
    for name in STEPS:
        blueprint.add_url_rule(f"/{name}", name, _step_view(name), methods=["POST"])
    return blueprint


def voice():
    return _safely(_voice)


def status():
    return _safely(_status)


def queue_wait():
    return _safely(_queue_wait)


def _step_view(name: str):
    def view():
        return _safely(lambda: _turn(name, _turn_number(), lambda call, svc: flow.respond(
            name, call, Answer.from_form(request.form), svc)))
    view.__name__ = f"step_{name}"
    return view


def _voice() -> str:
    """The greeting, the first turn of every call. Working it out only reads, so it is worked out
    first and kept with the new call's state in one write (two round trips in all); a delivery
    that finds the call already kept is a repeat, answered as any repeated step is (the same
    TwiML, or goodbye)."""
    container, sid = _container(), _sid()
    if not sid:
        return twiml.render(Reply([_sorry("en"), Said(catalogue.render("ivr_goodbye"))],
                                  hangup=True), None)
    phone = str(request.form.get("From", ""))[:32]

    def greet() -> tuple[str, bool]:
        call = Call.new(call_sid=sid, from_phone=phone, language="en",
                        prison_code=str(request.args.get("prison", ""))[:8])
        with container.calls() as calls:
            svc = Services(container, reading=calls)
            xml = _work_out(call, svc, VOICE_KEY, flow.start, first=True)
            return xml, open_call(calls, container.clock, call_sid=sid, from_phone=phone,
                                  data=call.data, step_key=VOICE_KEY, reply=xml)
    xml, opened = first_work(greet)
    return xml if opened else _turn("voice", 0, flow.start)


def _turn(name: str, turn: int | None, produce) -> str:
    """One turn: claimed once, worked out, kept with its answer; a repeat gets the same."""
    container, sid = _container(), _sid()
    key = f"{name}:{turn}"
    claim = first_work(lambda: _claim(container, sid, key, turn))
    if claim.outcome in (REPLAY, STALE) and claim.reply:
        return claim.reply
    if claim.outcome == BUSY:
        return _wait_for(container, sid, key)
    if claim.outcome in (UNKNOWN, STALE):
        return twiml.render(Reply([Said(catalogue.render("ivr_start_again"))], redirect="voice"),
                            None)
    if claim.outcome == ENDED or claim.outcome != CLAIMED:
        return twiml.render(Reply([Said(catalogue.render("ivr_goodbye"))], hangup=True), None)
    call = Call(claim.data)
    xml = _work_out(call, Services(container), key, produce)
    first_work(lambda: _finish(container, sid, key, call.data, xml))
    return xml


def _claim(container, sid: str, key: str, turn: int | None):
    with container.calls() as calls:
        return claim_turn(calls, container.clock, call_sid=sid, step_key=key, turn=turn)


def _finish(container, sid: str, key: str, data: dict, xml: str) -> None:
    with container.calls() as calls:
        finish_turn(calls, container.clock, call_sid=sid, step_key=key, data=data, reply=xml)


def _end(container, sid: str) -> dict | None:
    with container.calls() as calls:
        return end_call(calls, container.clock, call_sid=sid)


def _data(container, sid: str) -> dict | None:
    with container.calls() as calls:
        return call_data(calls, sid)


def _work_out(call: Call, svc: Services, key: str, produce, *, first: bool = False) -> str:
    """The answer to this turn as TwiML; the call moves on to the next turn. As the request's
    first database work (`first`), a dropped connection is left to first_work to try again."""
    try:
        reply = produce(call, svc) if first else _again_if_cut(call, svc, produce)
    except Exception as error:  # noqa: BLE001 - the caller must hear something
        if first and dropped(error):
            raise
        log.exception("call %s failed at %s", call.sid, key)
        reply = flow.apologise(call, svc)
    call["turn"] = call.turn + 1
    return twiml.render(reply, call.turn)


def _again_if_cut(call: Call, svc: Services, produce):
    """The step worked out again from where it began if a dropped connection cut it off before
    it committed anything (core.reconnect)."""
    begun = copy.deepcopy(call.data)

    def attempt():
        call.data = copy.deepcopy(begun)
        return produce(call, svc)
    return first_work(attempt)


def _wait_for(container, sid: str, key: str) -> str:
    """The same step is being answered for a delivery that came first: give its answer."""
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.1)
        with container.calls() as calls:
            reply = stored_reply(calls, sid, key)
        if reply:
            return reply
    return twiml.render(Reply([_sorry("en"), Said(catalogue.render("ivr_goodbye"))],
                              hangup=True), None)


def _status() -> str:
    """Call status callbacks: when the call is over, free what it held and forget it."""
    container, sid = _container(), _sid()
    if sid and request.form.get("CallStatus") in FINAL_STATUSES:
        data = first_work(lambda: _end(container, sid))
        if data and data.get("hold_id"):
            Services(container).release(data["hold_id"], data.get("visitor_id"))
        if data and data.get("step") == "queue_done":
            # Ended while queued for staff, if the queue's own result never came.
            Services(container).left_queue(sid, answered=False)
    return twiml.empty()


def _queue_wait() -> str:
    """What a caller waiting for staff hears: their place in the queue, again and again."""
    container, sid = _container(), _sid()
    data = first_work(lambda: _data(container, sid)) if sid else None
    language = Call(data or {}).lang
    position = str(request.form.get("QueuePosition", ""))
    said = [Said(catalogue.render("ivr_queue_position", language, position=int(position)),
                 language)] if position.isdigit() and 0 < int(position) < 1000 else []
    return twiml.queue_wait(said or [Said(catalogue.render("ivr_to_staff", language), language)])


def _safely(answer) -> Response:
    try:
        xml = answer()
    except Exception:  # noqa: BLE001 - never a 500 to Twilio: the caller would hear an error
        log.exception("IVR request failed: %s", request.path)
        xml = twiml.render(Reply([_sorry("en"), Said(catalogue.render("ivr_goodbye"))],
                                 hangup=True), None)
    return Response(xml, mimetype="text/xml")


def _sorry(language: str) -> Said:
    return Said(catalogue.render("ivr_sorry_error", language), language)


def _container():
    return current_app.extensions[EXTENSION]


def _sid() -> str:
    sid = str(request.form.get("CallSid", "")).strip()
    return sid[:64] if sid.isalnum() else ""


def _turn_number() -> int | None:
    value = request.args.get("t", "")
    return int(value) if value.isdigit() and len(value) < 7 else None
