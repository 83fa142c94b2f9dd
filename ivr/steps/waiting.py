"""The waiting list for a full session (spec row 3): the caller picks the prisoner, who is coming
and a date; if every session that day is full they join the list for one, and are texted and
held a place when one comes free. A day that still has places is offered for booking instead."""
from __future__ import annotations

from datetime import date, datetime

from core import catalogue
from core.errors import Refused

from ..call import Call
from ..engine import Retry, ask, go, options, step
from ..reply import Reply
from . import booking


def _wait_date_prompt(call: Call, svc):
    return ask(call, "wait_date", [call.say("ivr_waiting_date"), call.say("ivr_key_date")],
               num_digits=None, timeout=10)


@step("wait_date", _wait_date_prompt)
def wait_date(call: Call, answer, svc) -> Reply | Retry:
    day = booking.typed_date(call, answer, svc)
    if day is None:
        return Retry([call.say("ivr_bad_date")] if not answer.empty else [])
    try:
        offers = svc.sessions_on(call["prisoner_id"], call["party"], day)
    except Refused as refused:
        return booking.refuse(call, svc, refused)
    full = svc.full_sessions(call["prisoner_id"], bool(call["professional"]), day)
    if full:
        return offer_full_sessions(call, svc, day, full)
    if offers:
        call["purpose"] = "book"
        return booking.sessions(call, svc, day, offers).then(
            call.say("ivr_waiting_has_places", day=_day(call, day)))
    return go(call, svc, "wait_date", call.say("ivr_date_none", day=_day(call, day)))


def offer_full_sessions(call: Call, svc, day: date, full, *before) -> Reply:
    call["day"] = day.isoformat()
    call["wait_slots"] = [[o.slot_id, o.starts_at.isoformat(), o.ends_at.isoformat()]
                          for o in full]
    return go(call, svc, "wait_session", *before)


def _wait_session_prompt(call: Call, svc):
    items = [{"start": _time(s), "end": _time(e)} for _, s, e in call["wait_slots"]]
    said = [call.say("ivr_waiting_sessions", day=_day(call, date.fromisoformat(call["day"]))),
            *options(call, "ivr_option_session", items), call.say("ivr_opt_key_date"),
            call.say("ivr_opt_main_menu")]
    return ask(call, "wait_session", said, hints="another date, main menu")


@step("wait_session", _wait_session_prompt)
def wait_session(call: Call, answer, svc) -> Reply | Retry:
    slots = call["wait_slots"] or []
    choice = answer.key({"8": ("main menu", "menu"), "9": ("another date", "other date")})
    if choice == "8":
        return go(call, svc, "menu")
    if choice == "9":
        return go(call, svc, "wait_date" if call["purpose"] == "wait" else "date_entry")
    if choice and choice.isdigit() and 1 <= int(choice) <= len(slots):
        return join(call, svc, slots[int(choice) - 1][0])
    return Retry()


def join(call: Call, svc, slot_id: int) -> Reply:
    try:
        svc.join_waiting_list(slot_id=slot_id, prisoner_id=call["prisoner_id"],
                              party=call["party"])
    except Refused as refused:
        return booking.refuse(call, svc, refused)
    day, starts, _ = svc.slot_times(slot_id)
    return go(call, svc, "after", call.say("ivr_waiting_joined", day=_day(call, day),
                                           start=catalogue.time_text(starts)))


def _day(call: Call, day: date) -> str:
    return catalogue.day_text(day, call.lang)


def _time(iso: str) -> str:
    return catalogue.time_text(datetime.fromisoformat(iso))
