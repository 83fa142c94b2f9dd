"""The start of a call: the greeting with the language switch, then who is calling. The number
finds the visitor; a PIN or date of birth confirms. A wrong PIN and a wrong date of birth get
the same answer; three wrong in a call end self-service for the call and offer staff (the core
locks phone self-service after five in fifteen minutes)."""
from __future__ import annotations

from core.errors import Refused

from ..call import Call
from ..dates import date_of_birth
from ..engine import Retry, ask, go, step
from ..reply import Reply
from .staff import CALLBACK_WORDS, leave_message, to_staff

MAX_FAILURES = 3


def start(call: Call, svc) -> Reply:
    """/ivr/voice: the greeting, in the prison's language (a per-prison number), or else the
    caller's: Welsh if they or their prisoner's prison speak it."""
    greeting = svc.greeting(call.from_phone, call["prison_code"] or "")
    call["known"] = greeting.known
    if greeting.prison:
        call["prison_id"], call["prison_name"], call["lang"] = greeting.prison
    elif greeting.known:
        call["lang"] = greeting.language
    return go(call, svc, "welcome")


def _welcome_prompt(call: Call, svc):
    greeting = (call.say("ivr_welcome_prison", prison=call["prison_name"]) if call["prison_name"]
                else call.say("ivr_welcome"))
    return ask(call, "welcome", [greeting, call.say_other("ivr_other_language")], timeout=3)


@step("welcome", _welcome_prompt)
def welcome(call: Call, answer, svc) -> Reply:
    if answer.key({"9": ("welsh", "cymraeg", "english", "saesneg")}) == "9":
        call["lang"] = call.other_lang
    return after_welcome(call, svc)


def after_welcome(call: Call, svc) -> Reply:
    if call["known"]:
        return go(call, svc, "identify")
    return go(call, svc, "unknown", call.said(Refused("unknown_caller").message(call.lang)))


def _identify_prompt(call: Call, svc):
    return ask(call, "identify", [call.say("ivr_identify")], num_digits=None, timeout=10)


@step("identify", _identify_prompt)
def identify(call: Call, answer, svc) -> Reply | Retry:
    if answer.empty:
        return Retry()
    typed = answer.number()
    try:
        person = svc.identify(call.from_phone, pin=typed if len(typed) == 4 else None,
                              born=date_of_birth(typed)) if len(typed) in (4, 8) else None
    except Refused as refused:
        if refused.reason == "identity_not_confirmed":
            return _wrong(call, svc)
        if refused.reason == "unknown_caller":
            call["known"] = False
            return after_welcome(call, svc)
        return to_staff(call, svc, "phone self-service locked",
                        call.said(refused.message(call.lang)))
    if person is None:
        return _wrong(call, svc)
    call["visitor_id"], call["professional"] = person.id, person.professional
    call["name"] = person.first_name
    return go(call, svc, "menu", call.say("ivr_hello", name=person.first_name))


def _wrong(call: Call, svc) -> Reply:
    """The same words whichever factor was wrong, or if what was keyed was no PIN or date."""
    call["id_failures"] = call.get("id_failures", 0) + 1
    no_match = call.said(Refused("identity_not_confirmed").message(call.lang))
    if call["id_failures"] >= MAX_FAILURES:
        return to_staff(call, svc, "identity not confirmed", no_match,
                        call.say("ivr_identify_gave_up"))
    return go(call, svc, "identify", no_match, call.say("ivr_try_again"))


def _unknown_prompt(call: Call, svc):
    return ask(call, "unknown", [call.say("ivr_unknown_menu")], hints="staff, call back")


@step("unknown", _unknown_prompt)
def unknown(call: Call, answer, svc) -> Reply | Retry:
    if answer.key({"1": CALLBACK_WORDS}) == "1":
        return leave_message(call, svc, "unknown caller asked for a call back")
    return Retry()
