"""Feedback at the end of a call (spec row 7): a rating from 1 to 5, and in English a spoken
comment (Welsh speech recognition is not assured: Welsh callers are asked to text a comment)."""
from __future__ import annotations

from ..call import Call
from ..engine import Retry, ask, go, step
from ..reply import Reply

RATING_WORDS = {"1": ("poor", "bad"), "5": ("very good", "excellent", "great")}


def start(call: Call, svc) -> Reply:
    return go(call, svc, "rate")


def _rate_prompt(call: Call, svc):
    return ask(call, "rate", [call.say("ivr_feedback_rate")], hints="one, two, three, four, five")


@step("rate", _rate_prompt)
def rate(call: Call, answer, svc) -> Reply | Retry:
    choice = answer.key(RATING_WORDS)
    if not choice or choice not in "12345":
        return Retry()
    call["rating"] = int(choice)
    if call.welsh:
        return _save(call, svc, "", call.say("ivr_feedback_comment"))
    return go(call, svc, "comment")


def _comment_prompt(call: Call, svc):
    return ask(call, "comment", [call.say("ivr_feedback_comment")], num_digits=None, timeout=5)


@step("comment", _comment_prompt, menu=False)
def comment(call: Call, answer, svc) -> Reply:
    return _save(call, svc, answer.speech)


def _save(call: Call, svc, text: str, *before) -> Reply:
    svc.give_feedback(visitor_id=call.visitor_id, prison_id=call["prison_id"],
                      rating=call["rating"], comment=text[:1000])
    return go(call, svc, "menu", *before, call.say("ivr_feedback_thanks"))
