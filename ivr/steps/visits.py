"""My visits: the caller's booked (and requested) visits read out, and one cancelled (spec row
3: the place is free at once, the VO given back, the prisoner told, all by the core)."""
from __future__ import annotations

from datetime import date, datetime

from core import catalogue
from core.errors import Refused
from core.reference import spoken_groups

from ..call import Call
from ..engine import Retry, ask, go, step
from ..reply import Reply


def start(call: Call, svc) -> Reply:
    visits = svc.upcoming(call.visitor_id)
    if not visits:
        return go(call, svc, "menu", call.say("ivr_no_visits"))
    call["visits"] = [[v.id, v.reference, v.day.isoformat(), v.starts_at.isoformat(),
                       v.prisoner, v.prison, v.requested] for v in visits]
    return go(call, svc, "visits")


def _visits_prompt(call: Call, svc):
    said = []
    for key, (_, reference, day, starts, prisoner, prison, requested) in enumerate(
            call["visits"], start=1):
        said.append(call.say("ivr_visit_item_request" if requested else "ivr_visit_item",
                             key=key, day=_day(call, day), start=_time(starts),
                             prisoner=prisoner, prison=prison, digits=_digits(reference)))
    said.append(call.say("ivr_visits_menu"))
    return ask(call, "visits", said, hints="cancel, main menu")


@step("visits", _visits_prompt)
def visits(call: Call, answer, svc) -> Reply | Retry:
    listed = call["visits"] or []
    choice = answer.key({"8": ("main menu", "menu")})
    if choice == "8":
        return go(call, svc, "menu")
    if choice and choice.isdigit() and 1 <= int(choice) <= len(listed):
        call["cancel_index"] = int(choice) - 1
        return go(call, svc, "cancel")
    return Retry()


def _cancel_prompt(call: Call, svc):
    _, _, day, starts, prisoner, _, _ = call["visits"][call["cancel_index"]]
    return ask(call, "cancel", [call.say("ivr_cancel_check", prisoner=prisoner,
                                         day=_day(call, day), start=_time(starts))],
               hints="yes, no")


@step("cancel", _cancel_prompt)
def cancel(call: Call, answer, svc) -> Reply | Retry:
    choice = answer.yes_no()
    if choice == "2":
        return go(call, svc, "menu", call.say("ivr_kept"))
    if choice != "1":
        return Retry()
    booking_id, _, day, *_ = call["visits"][call["cancel_index"]]
    try:
        result = svc.cancel(booking_id, call.visitor_id)
    except Refused as refused:
        return go(call, svc, "menu", call.said(refused.message(call.lang)))
    said = (call.say("ivr_cancelled", day=_day(call, day)) if result.changed
            else call.say("ivr_already_cancelled"))
    return go(call, svc, "after", said)


def _digits(reference: str) -> str:
    return ", ".join(" ".join(group) for group in spoken_groups(reference))


def _day(call: Call, iso: str) -> str:
    return catalogue.day_text(date.fromisoformat(iso), call.lang)


def _time(iso: str) -> str:
    return catalogue.time_text(datetime.fromisoformat(iso))
