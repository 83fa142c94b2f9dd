"""Feedback at the end of a call: a rating, and a spoken comment in English (spec row 7),
recorded by core.feedback.record_feedback, the SMS side's use case too."""
from __future__ import annotations

from sqlalchemy import select

from core.models import Feedback
from tests.support.call_walker import gather_step, phone

from .conftest import WELSH_PHONE, identify


def test_a_rating_and_a_spoken_comment(call, session, world):
    identify(call)
    assert call.press("4")[0].startswith("How easy was it to book?")
    call.press("5")
    assert gather_step(call) == "comment"
    heard = call.say("Very quick, thank you")
    assert heard[0] == "Thank you for your feedback."
    feedback = session.scalars(select(Feedback)).one()
    assert (feedback.rating, feedback.comment, feedback.channel) == \
        (5, "very quick, thank you", "phone")
    assert feedback.visitor_id == world.lead.id


def test_a_welsh_caller_rates_by_keypad(client, session, world):
    call = phone(client, WELSH_PHONE)
    call.start()
    call.wait()
    call.press("4321#")
    call.press("4")
    heard = call.press("3")
    assert heard[-3] == "Diolch am eich adborth." or "Diolch am eich adborth." in heard
    assert session.scalars(select(Feedback)).one().rating == 3
