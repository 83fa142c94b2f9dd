"""Booking by phone: the prisoner, who is coming, the date, the session, then a read-back while
the table is held. Who is coming is asked before the date, so the dates offered are ones the
whole party can take (a large family's two tables, a closed visit). Every refusal from the core
is said with its reason and what the caller can do instead."""
from __future__ import annotations

import re
from datetime import date, datetime

from core import catalogue
from core.clock import LONDON
from core.errors import Refused
from core.reference import spoken_groups

from ..call import Call
from ..dates import keyed_date, spoken_date
from ..engine import Retry, ask, go, options, step
from ..reply import Reply
from . import waiting
from .staff import release_hold

ALONE_WORDS = ("just me", "only me", "on my own", "nobody", "no one", "alone", "myself")
# Refusals about the party or prisoner: another date will not help.
NO_OTHER_DATE = {"no_adult", "party_too_large", "not_approved", "not_professional",
                 "banned_indefinitely", "no_vo_left", "prisoner_not_here", "prisoner_not_found"}
# Refusals about who is coming: choosing the party again may help.
ABOUT_THE_PARTY = {"no_adult", "party_too_large", "not_approved", "banned",
                   "banned_indefinitely", "visitor_already_booked", "closed_visits_only"}
_LETTERS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
            "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def start(call: Call, svc, *, purpose: str) -> Reply:
    release_hold(call, svc)
    call["purpose"] = purpose
    call.forget("prisoner_id", "party", "dates", "slots", "held", "refused_slot", "choices",
                "companions")
    if call["professional"]:
        return go(call, svc, "prisoner_number")
    prisoners = svc.prisoners_for(call.visitor_id)
    if not prisoners:
        return go(call, svc, "prisoner_number")
    if len(prisoners) == 1:
        return chosen_prisoner(call, svc, prisoners[0])
    call["choices"] = [[p.id, p.name, p.prison] for p in prisoners]
    return go(call, svc, "prisoner")


def _prisoner_prompt(call: Call, svc):
    items = [{"name": name, "prison": prison} for _, name, prison in call["choices"]]
    said = [call.say("ivr_choose_prisoner"), *options(call, "ivr_option_prisoner", items),
            call.say("ivr_opt_prison_number")]
    return ask(call, "prisoner", said, hints=", ".join(n for _, n, _ in call["choices"]))


@step("prisoner", _prisoner_prompt)
def prisoner(call: Call, answer, svc) -> Reply | Retry:
    listed = call["choices"] or []
    names = {str(i): tuple(name.lower().split()) for i, (_, name, _) in enumerate(listed, 1)}
    choice = answer.key(names | {"9": ("prison number", "number")})
    if choice == "9":
        return go(call, svc, "prisoner_number")
    if choice and choice.isdigit() and 1 <= int(choice) <= len(listed):
        try:
            return chosen_prisoner(call, svc, svc.prisoner(listed[int(choice) - 1][0]))
        except Refused as refused:
            return refuse(call, svc, refused)
    return Retry()


def _number_prompt(call: Call, svc):
    return ask(call, "prisoner_number", [call.say("ivr_key_prison_number")], num_digits=None,
               timeout=10)


@step("prisoner_number", _number_prompt)
def prisoner_number(call: Call, answer, svc) -> Reply | Retry:
    typed = answer.number() if answer.digits else spoken_prison_number(answer.speech)
    if not typed:
        return Retry()
    found = svc.prisoners_by_number(typed)
    if not found:
        return Retry([call.said(Refused("prisoner_not_found").message(call.lang))])
    call["choices"] = [[p.id, p.name, p.prison] for p in found]
    return go(call, svc, "prisoner")


def spoken_prison_number(speech: str) -> str:
    """"a one two three four b c" -> "A1234BC"."""
    out = []
    for word in re.findall(r"[a-z]+|\d+", speech or ""):
        if word.isdigit():
            out.append(word)
        elif word in _LETTERS:
            out.append(_LETTERS[word])
        elif len(word) == 1:
            out.append(word.upper())
    return "".join(out)


def chosen_prisoner(call: Call, svc, chosen) -> Reply:
    call["prisoner_id"], call["prison_id"] = chosen.id, chosen.prison_id
    call["prisoner_name"], call["prison_name"] = chosen.name, chosen.prison
    people = [] if call["professional"] else svc.companions(call.visitor_id, chosen.id)
    if not people:
        call["party"] = [call.visitor_id]
        return offer_dates(call, svc)
    call["companions"] = [[p.id, p.first_name] for p in people]
    return go(call, svc, "party")


def _party_prompt(call: Call, svc):
    items = [{"name": name} for _, name in call["companions"]]
    said = [call.say("ivr_choose_party"), *options(call, "ivr_option_person", items),
            call.say("ivr_party_how")]
    return ask(call, "party", said, num_digits=None, timeout=10,
               hints=", ".join(["just me"] + [n for _, n in call["companions"]]))


@step("party", _party_prompt)
def party(call: Call, answer, svc) -> Reply | Retry:
    listed = call["companions"] or []
    chosen = _chosen_people(answer, listed)
    if chosen is None:
        return Retry()
    call["party"] = [call.visitor_id] + chosen
    return offer_dates(call, svc)


def _chosen_people(answer, listed) -> list[int] | None:
    if answer.digits:
        keys = answer.number()
        if keys == "9":
            return []
        if not keys or any(not k.isdigit() or not 1 <= int(k) <= len(listed) for k in keys):
            return None
        return [listed[int(k) - 1][0] for k in dict.fromkeys(keys)]
    if any(f" {w} " in f" {answer.speech} " for w in ALONE_WORDS):
        return []
    picked = [vid for vid, name in listed if name.lower() in answer.speech.split()]
    return picked or None


def offer_dates(call: Call, svc, *before) -> Reply:
    release_hold(call, svc)
    if call["purpose"] == "wait":
        return go(call, svc, "wait_date", *before)
    try:
        days = svc.soonest_dates(call["prisoner_id"], call["party"])
    except Refused as refused:
        return refuse(call, svc, refused)
    call["dates"] = [d.isoformat() for d in days]
    return go(call, svc, "date", *before)


def _date_prompt(call: Call, svc):
    days = [date.fromisoformat(d) for d in call["dates"] or []]
    said = ([call.say("ivr_dates_intro"),
             *options(call, "ivr_option_date", [{"day": _day(call, d)} for d in days])]
            if days else [call.say("ivr_no_dates")])
    said += [call.say("ivr_opt_key_date"), call.say("ivr_opt_main_menu")]
    return ask(call, "date", said, hints="another date, main menu")


@step("date", _date_prompt)
def choose_date(call: Call, answer, svc) -> Reply | Retry:
    days = call["dates"] or []
    choice = answer.key({"9": ("another date", "other date"), "8": ("main menu", "menu")})
    if choice == "9":
        return go(call, svc, "date_entry")
    if choice == "8":
        return go(call, svc, "menu")
    if choice and choice.isdigit() and 1 <= int(choice) <= len(days):
        return date_chosen(call, svc, date.fromisoformat(days[int(choice) - 1]))
    day = spoken_date(answer.speech, svc.today()) if not answer.digits else None
    return date_chosen(call, svc, day) if day else Retry()


def _date_entry_prompt(call: Call, svc):
    return ask(call, "date_entry", [call.say("ivr_key_date")], num_digits=None, timeout=10)


@step("date_entry", _date_entry_prompt)
def date_entry(call: Call, answer, svc) -> Reply | Retry:
    day = typed_date(call, answer, svc)
    if day is None:
        return Retry([call.say("ivr_bad_date")] if not answer.empty else [])
    return date_chosen(call, svc, day)


def typed_date(call: Call, answer, svc) -> date | None:
    if answer.digits:
        return keyed_date(answer.number(), svc.today())
    return spoken_date(answer.speech, svc.today())


def date_chosen(call: Call, svc, day: date) -> Reply:
    try:
        offers = svc.sessions_on(call["prisoner_id"], call["party"], day)
    except Refused as refused:
        return refuse(call, svc, refused)
    if not offers:
        full = svc.full_sessions(call["prisoner_id"], bool(call["professional"]), day)
        if full:
            return waiting.offer_full_sessions(call, svc, day, full, call.say(
                "ivr_date_full", day=_day(call, day)))
        return go(call, svc, "date", call.say("ivr_date_none", day=_day(call, day)))
    return sessions(call, svc, day, offers)


def sessions(call: Call, svc, day: date, offers) -> Reply:
    if len(offers) == 1:
        return hold(call, svc, offers[0].slot_id)
    call["day"] = day.isoformat()
    call["slots"] = [[o.slot_id, o.starts_at.isoformat(), o.ends_at.isoformat()] for o in offers]
    return go(call, svc, "session")


def _session_prompt(call: Call, svc):
    items = [{"start": _time(s), "end": _time(e)} for _, s, e in call["slots"]]
    said = [call.say("ivr_sessions_intro", day=_day(call, date.fromisoformat(call["day"]))),
            *options(call, "ivr_option_session", items)]
    return ask(call, "session", said, hints="morning, afternoon")


@step("session", _session_prompt)
def session(call: Call, answer, svc) -> Reply | Retry:
    slots = call["slots"] or []
    choice = answer.key()
    if choice and choice.isdigit() and 1 <= int(choice) <= len(slots):
        return hold(call, svc, slots[int(choice) - 1][0])
    for slot_id, starts, _ in slots if not answer.digits else []:
        morning = datetime.fromisoformat(starts).astimezone(LONDON).hour < 12
        if ("morning" in answer.speech) == morning and any(
                w in answer.speech for w in ("morning", "afternoon")):
            return hold(call, svc, slot_id)
    return Retry()


def hold(call: Call, svc, slot_id: int) -> Reply:
    try:
        held = svc.hold(slot_id=slot_id, prisoner_id=call["prisoner_id"], party=call["party"])
    except Refused as refused:
        return refuse(call, svc, refused, slot_id)
    day, starts, ends = svc.slot_times(slot_id)
    call["hold_id"], call["slot_id"] = held.hold_id, slot_id
    call["held"] = {"day": day.isoformat(), "start": _time(starts.isoformat()),
                    "end": _time(ends.isoformat()), "minutes": held.minutes,
                    "tables": held.tables, "closed_because": held.closed_because,
                    "uses_vo": held.uses_vo, "request": bool(held.request_reason),
                    "visitors": _together(call, svc.names(call["party"]))}
    return go(call, svc, "confirm")


def _confirm_prompt(call: Call, svc):
    h = call["held"]
    said = [call.say("ivr_readback", prisoner=call["prisoner_name"], prison=call["prison_name"],
                     day=_day(call, date.fromisoformat(h["day"])), start=h["start"],
                     end=h["end"], visitors=h["visitors"])]
    if h["closed_because"]:
        said.append(call.say("ivr_readback_closed", because=call.say(h["closed_because"]).text))
    if h["tables"] > 1:
        said.append(call.say("ivr_readback_two_tables"))
    if h["request"]:
        said.append(call.say("ivr_readback_request"))
    if h["uses_vo"]:
        said.append(call.say("ivr_readback_vo"))
    said += [call.say("ivr_readback_held", minutes=h["minutes"]), call.say("ivr_confirm_menu")]
    return ask(call, "confirm", said, hints="yes, no")


@step("confirm", _confirm_prompt)
def confirm(call: Call, answer, svc) -> Reply | Retry:
    choice = answer.yes_no()
    if choice == "2":
        return offer_dates(call, svc)
    if choice != "1" or not call["hold_id"]:
        return Retry()
    hold_id = call["hold_id"]
    call.forget("hold_id")
    try:
        done = svc.confirm(hold_id, call.visitor_id)
    except Refused as refused:
        return refuse(call, svc, refused, call["slot_id"])
    digits = ", ".join(" ".join(group) for group in spoken_groups(done.reference))
    said = [call.say("ivr_requested" if done.requested else "ivr_booked"),
            call.say("ivr_reference", digits=digits),
            call.say("ivr_reference_again", digits=digits)]
    if not done.requested:
        # Said as well as texted: a caller on a landline, or opted out of texts, hears it only here.
        said.append(call.say("ivr_what_to_bring", id_requirements=done.id_requirements))
    said.append(call.say("ivr_text_coming" if done.texted else "ivr_no_text"))
    return go(call, svc, "after", *said)


def refuse(call: Call, svc, refused: Refused, slot_id: int | None = None) -> Reply:
    """Say why, then what the caller can do instead."""
    release_hold(call, svc)
    call["refused_slot"] = slot_id if refused.reason == "slot_full" else None
    call["refused_final"] = refused.reason in NO_OTHER_DATE
    call["refused_party"] = refused.reason in ABOUT_THE_PARTY and bool(call["companions"]) \
        and len(call["party"] or []) > 1
    return go(call, svc, "refused", call.said(refused.message(call.lang)))


def _refused_prompt(call: Call, svc):
    said = [] if call["refused_final"] else [call.say("ivr_opt_another_date")]
    if call["refused_party"]:
        said.append(call.say("ivr_opt_party"))
    if call["refused_slot"]:
        said.append(call.say("ivr_opt_waiting_list"))
    said += [call.say("ivr_opt_staff"), call.say("ivr_opt_main_menu")]
    return ask(call, "refused", said, hints="another date, waiting list, staff, main menu")


@step("refused", _refused_prompt)
def refused_options(call: Call, answer, svc) -> Reply | Retry:
    choice = answer.key({"1": ("another date", "other date", "another session"),
                         "3": ("waiting list", "wait"), "8": ("main menu", "menu")})
    if choice == "1" and not call["refused_final"] and call["party"]:
        return offer_dates(call, svc)
    if choice == "2" and call["refused_party"]:
        return go(call, svc, "party")
    if choice == "3" and call["refused_slot"]:
        return waiting.join(call, svc, call["refused_slot"])
    if choice == "8":
        return go(call, svc, "menu")
    return Retry()


def _together(call: Call, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {catalogue.render('and', call.lang)} {names[-1]}"


def _day(call: Call, day: date) -> str:
    return catalogue.day_text(day, call.lang)


def _time(iso: str) -> str:
    return catalogue.time_text(datetime.fromisoformat(iso))
