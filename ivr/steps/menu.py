"""The main menu, and what the caller may do after finishing something."""
from __future__ import annotations

from ..call import Call
from ..engine import Retry, ask, go, step
from ..reply import Reply
from . import booking, feedback, visits

MENU_WORDS = {
    "1": ("book", "book a visit", "booking", "make a booking"),
    "2": ("my visits", "visits", "cancel", "my bookings", "bookings"),
    "3": ("waiting list", "waiting", "wait"),
    "4": ("feedback", "rate", "rating"),
    "9": ("welsh", "cymraeg", "english", "saesneg"),
}
HINTS = "book a visit, my visits, cancel, waiting list, feedback, staff"


def _menu_prompt(call: Call, svc):
    return ask(call, "menu", [call.say("ivr_main_menu"), call.say_other("ivr_other_language")],
               hints=HINTS)


@step("menu", _menu_prompt)
def menu(call: Call, answer, svc) -> Reply | Retry:
    choice = answer.key(MENU_WORDS)
    if choice == "1":
        return booking.start(call, svc, purpose="book")
    if choice == "2":
        return visits.start(call, svc)
    if choice == "3":
        return booking.start(call, svc, purpose="wait")
    if choice == "4":
        return feedback.start(call, svc)
    if choice == "9":
        call["lang"] = call.other_lang
        return go(call, svc, "menu")
    return Retry()


def main_menu(call: Call, svc, *before) -> Reply:
    return go(call, svc, "menu", *before)


def _after_prompt(call: Call, svc):
    return ask(call, "after", [call.say("ivr_anything_else")], hints="main menu, feedback")


@step("after", _after_prompt)
def after(call: Call, answer, svc) -> Reply | Retry:
    if answer.empty:
        return Reply([call.say("ivr_goodbye")], hangup=True)
    choice = answer.key({"1": ("main menu", "menu", "something else"), "4": ("feedback",)})
    if choice == "1":
        return main_menu(call, svc)
    if choice == "4":
        return feedback.start(call, svc)
    return Retry()
