"""The call flow: which step an answer goes to, what every menu shares (0 for staff, * to
repeat, three tries), and the call's first and last words. No HTTP here: views.py does that."""
from __future__ import annotations

import logging

from .answers import Answer
from .call import Call
from .engine import MAX_TRIES, STEPS, Retry, ask_again
from .reply import Reply
from .steps import identify, staff

log = logging.getLogger(__name__)


def start(call: Call, svc) -> Reply:
    return identify.start(call, svc)


def respond(name: str, call: Call, answer: Answer, svc) -> Reply:
    """The reply to an answer given at step `name`."""
    step = STEPS.get(name)
    if step is None or call["step"] != name:
        # Not where this call is: the caller hears where they are again.
        return _where_we_are(call, svc)
    if step.menu and answer.wants_staff:
        return staff.to_staff(call, svc, f"caller asked at {name}")
    if step.menu and answer.wants_repeat:
        return ask_again(call, svc)
    result = step.answer(call, answer, svc)
    if isinstance(result, Retry):
        return _retry(call, svc, answer, result)
    return result


def apologise(call: Call, svc) -> Reply:
    """Something failed on our side: say so, and carry on from somewhere safe."""
    sorry = call.say("ivr_sorry_error")
    try:
        staff.release_hold(call, svc)
    except Exception:  # noqa: BLE001 - the hold lapses by itself
        log.exception("could not release the hold of call %s", call.sid)
    if call.identified:
        from .engine import go
        return go(call, svc, "menu", sorry)
    return Reply([sorry, call.say("ivr_goodbye")], hangup=True)


def _retry(call: Call, svc, answer: Answer, retry: Retry) -> Reply:
    call["tries"] = call.get("tries", 0) + 1
    why = retry.said or [call.say("ivr_no_answer" if answer.empty else "ivr_not_understood")]
    if call["tries"] >= MAX_TRIES:
        return staff.to_staff(call, svc, f"three answers not understood at {call['step']}",
                              *why, call.say("ivr_too_many_tries"))
    return ask_again(call, svc, *why)


def _where_we_are(call: Call, svc) -> Reply:
    current = STEPS.get(call["step"])
    if current is not None and current.prompt is not None:
        return ask_again(call, svc)
    return apologise(call, svc)
