"""Staff (spec row 6): in staffed hours the caller is put through (dialled, or queued with their
position read out); out of hours they may leave a callback request with a short message. Every
one is recorded for the admin page."""
from __future__ import annotations

from core.catalogue import time_text
from core.clock import at_local
from core.escalations import CALLBACK, DIALLED, QUEUED

from ..call import Call
from ..engine import Retry, ask, go, leave, step
from ..reply import Reply
from ..twiml import STAFF_QUEUE

CALLBACK_WORDS = ("call back", "callback", "call me back", "ring me back")


def to_staff(call: Call, svc, reason: str, *before) -> Reply:
    release_hold(call, svc)
    if svc.staffed_now():
        number = svc.settings.staff_phone_number
        _escalate(call, svc, DIALLED if number else QUEUED, reason)
        said = [*before, call.say("ivr_to_staff")]
        if number:
            leave(call, "dial_done")
            return Reply(said, dial=number)
        leave(call, "queue_done")
        return Reply(said, enqueue=STAFF_QUEUE)
    call["callback_reason"] = reason
    return go(call, svc, "callback", *before, closed_hours(call, svc))


def closed_hours(call: Call, svc):
    hours = svc.staffed_hours()
    today = svc.today()
    days = {(0, 1, 2, 3, 4): "ivr_days_weekdays", tuple(range(7)): "ivr_days_every"}.get(
        tuple(sorted(hours.days)), "ivr_days_some")
    return call.say("ivr_staff_closed", opens=time_text(at_local(today, hours.opens)),
                    closes=time_text(at_local(today, hours.closes)),
                    days=call.say(days).text)


def release_hold(call: Call, svc) -> None:
    hold_id = call["hold_id"]
    if hold_id:
        call.forget("hold_id")
        svc.release(hold_id, call.visitor_id)


def _escalate(call: Call, svc, kind: str, reason: str) -> None:
    svc.escalate(kind=kind, call_sid=call.sid, from_phone=call.from_phone,
                 visitor_id=call.visitor_id, prison_id=call["prison_id"], reason=reason)


def _callback_prompt(call: Call, svc):
    return ask(call, "callback", [call.say("ivr_callback_offer")], hints="call back")


@step("callback", _callback_prompt)
def callback(call: Call, answer, svc) -> Reply | Retry:
    if answer.empty:
        return Reply([call.say("ivr_goodbye")], hangup=True)
    if answer.key({"1": CALLBACK_WORDS}) != "1":
        return Retry()
    return leave_message(call, svc, call.get("callback_reason") or "callback requested")


def leave_message(call: Call, svc, reason: str) -> Reply:
    """A callback request is recorded at once; the short message after the tone is optional."""
    _escalate(call, svc, CALLBACK, reason)
    leave(call, "recorded")
    return Reply([call.say("ivr_callback_record")], record_step="recorded")


@step("recorded", menu=False)
def recorded(call: Call, answer, svc) -> Reply:
    url = answer.extra.get("RecordingUrl", "")
    if url.startswith("https://") or url.startswith("http://"):
        svc.attach_recording(call.sid, url)
    return Reply([call.say("ivr_callback_thanks"), call.say("ivr_goodbye")], hangup=True)


@step("dial_done", menu=False)
def dial_done(call: Call, answer, svc) -> Reply:
    if answer.extra.get("DialCallStatus") == "completed":
        return Reply([call.say("ivr_goodbye")], hangup=True)
    return go(call, svc, "callback", call.say("ivr_staff_unanswered"))


ANSWERED = ("bridged", "bridging-in-process")


@step("queue_done", menu=False)
def queue_done(call: Call, answer, svc) -> Reply:
    result = answer.extra.get("QueueResult")
    svc.left_queue(call.sid, answered=result in ANSWERED)
    if result in (*ANSWERED, "hangup"):
        return Reply([call.say("ivr_goodbye")], hangup=True)
    return go(call, svc, "callback", call.say("ivr_staff_unanswered"))
