"""Who is calling, and reaching staff: wrong PINs and lockout, unknown callers, 0 from anywhere,
* to repeat, three answers not understood, callbacks out of hours."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from core.escalations import ANSWERED_FROM_QUEUE, LEFT_QUEUE
from core.models import Escalation, IdentificationAttempt, Visitor
from tests.support.call_walker import gather_step, phone
from tests.support.twilio_requests import signed_post

from .conftest import LEAD_PHONE, UNKNOWN_PHONE, identify

NO_MATCH = "Those details do not match our records."
SATURDAY_EVENING = datetime(2026, 12, 5, 19, 0, tzinfo=timezone.utc)


def _greeted(call):
    call.start()
    call.wait()
    assert gather_step(call) == "identify"


def test_a_date_of_birth_confirms_instead_of_a_pin(call, world):
    _greeted(call)
    assert "Hello Sarah." in call.press("20061991#")


def test_a_spoken_pin_confirms(call, world):
    _greeted(call)
    assert "Hello Sarah." in call.say("four three two one")


def test_a_wrong_pin_and_a_wrong_date_of_birth_sound_the_same(call, world):
    _greeted(call)
    wrong_pin = call.press("9999#")
    wrong_born = call.press("01011990#")
    assert wrong_pin == wrong_born == [NO_MATCH, "Please try again.", wrong_pin[2]]


def test_something_that_is_no_pin_or_date_sounds_the_same(call, world):
    _greeted(call)
    assert call.press("12#")[:2] == call.press("31021990#")[:2] == [NO_MATCH,
                                                                    "Please try again."]


def test_three_wrong_tries_end_self_service_and_offer_staff(call, session, world):
    _greeted(call)
    call.press("1111#")
    call.press("2222#")
    heard = call.press("3333#")
    assert heard[:3] == [NO_MATCH, "We could not confirm who you are, so this call cannot go on "
                         "by keypad.", "Putting you through to staff. Please hold."]
    assert call.queued == "visitline-staff"
    escalation = session.scalars(select(Escalation)).one()
    assert escalation.kind == "queued" and escalation.from_phone == LEAD_PHONE
    assert escalation.reason == "identity not confirmed"


def test_five_failures_lock_phone_self_service(client, session, world):
    for _ in range(2):
        call = phone(client, LEAD_PHONE)
        _greeted(call)
        for pin in ("1111#", "2222#", "3333#")[: 3 if _ == 0 else 2]:
            call.press(pin)
        call.hang_up()
    session.refresh(world.lead)
    assert world.lead.phone_locked_until is not None
    call = phone(client, LEAD_PHONE)
    _greeted(call)
    heard = call.press("4321#")        # the right PIN, too late
    assert heard[0] == "Phone self-service is locked for your safety until 11:00. Please speak to staff."
    assert call.queued


def test_an_unknown_caller_can_leave_a_callback_request(client, session, world):
    call = phone(client, UNKNOWN_PHONE)
    call.start()
    heard = call.wait()
    assert heard[0] == "We do not recognise the number you are calling from."
    assert gather_step(call) == "unknown"
    heard = call.press("1")
    assert call.waiting_for == "Record"
    assert heard[0].startswith("Staff will call you back on this number.")
    heard = call.record(seconds=7)
    assert heard == ["Thank you. Staff will call you back.", "Thank you for calling. Goodbye."]
    assert call.ended
    escalation = session.scalars(select(Escalation)).one()
    assert escalation.kind == "callback" and escalation.visitor_id is None
    assert escalation.recording_url.startswith("https://api.twilio.com/")


def test_an_unknown_caller_reaches_staff_in_staffed_hours(client, session, world):
    call = phone(client, UNKNOWN_PHONE)
    call.start()
    call.wait()
    call.say("can I speak to someone")
    assert call.queued
    assert "You are number 1 in the queue for staff. Please hold." in call.said()


def test_zero_reaches_staff_from_anywhere(call, session, world):
    identify(call)
    call.press("1")
    call.press("9")
    call.press("0")
    assert call.queued
    escalation = session.scalars(select(Escalation)).one()
    assert escalation.visitor_id == world.lead.id and escalation.prison_id == world.prison.id


def test_zero_dials_the_staff_number_when_there_is_one(client, app, session, world):
    container = app.extensions["visitline"]
    container.settings = replace(container.settings, staff_phone_number="+441134000000")
    call = phone(client, LEAD_PHONE, dial_outcome="no-answer")
    identify(call)
    heard = call.press("0")
    assert call.dialled == ["+441134000000"]
    assert "Sorry, nobody could answer just now." in heard
    assert gather_step(call) == "callback"
    assert session.scalars(select(Escalation)).one().kind == "dialled"


def test_out_of_hours_zero_offers_a_callback(call, session, world, clock):
    clock.set(SATURDAY_EVENING)
    identify(call)
    heard = call.press("0")
    assert heard[0] == ("Staff are not available now. They answer calls from 09:00 to 17:00, "
                        "Monday to Friday.")
    assert gather_step(call) == "callback"
    call.press("1")
    call.hang_up()
    escalation = session.scalars(select(Escalation)).one()
    assert escalation.kind == "callback" and escalation.visitor_id == world.lead.id


def test_star_repeats_the_menu(call, world):
    menu = identify(call)[1:]
    assert call.press("*") == menu
    assert gather_step(call) == "menu"


def test_three_answers_not_understood_offer_staff(call, session, world):
    identify(call)
    assert call.press("7")[0] == "Sorry, I did not understand that."
    assert call.wait()[0] == "Sorry, I did not hear anything."
    heard = call.say("banana")
    assert heard[:2] == ["Sorry, I did not understand that.", "Let me help you another way."]
    assert call.queued
    assert "three answers" in session.scalars(select(Escalation)).one().reason


def test_a_caller_who_leaves_the_queue_unanswered_is_left_for_a_call_back(call, session, world):
    identify(call)
    call.press("0")
    assert call.queued
    call.hang_up()
    escalation = session.scalars(select(Escalation)).one()
    assert escalation.status == "open" and escalation.outcome == LEFT_QUEUE


def test_a_caller_answered_from_the_queue_is_done_with(call, session, world):
    identify(call)
    call.press("0")
    heard = call.answered_by_staff()
    assert heard == ["Thank you for calling. Goodbye."] and call.ended
    escalation = session.scalars(select(Escalation)).one()
    assert escalation.status == "done" and escalation.outcome == ANSWERED_FROM_QUEUE


def test_a_call_that_ends_in_the_queue_without_its_queue_result_is_left_for_a_call_back(
        call, client, session, world):
    identify(call)
    call.press("0")
    signed_post(client, "/ivr/status", {"CallSid": call.call_sid, "CallStatus": "completed"})
    escalation = session.scalars(select(Escalation)).one()
    assert escalation.status == "open" and escalation.outcome == LEFT_QUEUE
