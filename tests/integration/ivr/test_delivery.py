"""Webhooks as Twilio and the internet deliver them: twice, replayed, out of order, unsigned,
for calls we do not know, and a caller hanging up while a table is held for them."""
from __future__ import annotations

from sqlalchemy import func, select

from core.models import HELD, RELEASED, Booking, CallState, CallStepReply, Hold
from tests.support.call_walker import gather_step, parse
from tests.support.twilio_requests import signed_post

from .conftest import LEAD_PHONE, identify


def _to_confirm(call):
    identify(call)
    call.press("1")
    call.press("9")
    call.press("1")
    assert gather_step(call) == "confirm"


def _repeat_last(client, call):
    url, params = call.requests[-1]
    return signed_post(client, url, params)


def test_a_step_delivered_twice_has_the_effect_of_one(client, call, session, world):
    _to_confirm(call)
    first = call.requests[-1]
    call.press("1")
    again = signed_post(client, first[0], first[1])        # Twilio's retry of the hold step
    confirm_url, confirm_params = call.requests[-1]
    answer = signed_post(client, confirm_url, confirm_params).get_data(as_text=True)
    assert session.scalar(select(func.count(Hold.id))) == 1
    assert session.scalar(select(func.count(Booking.id))) == 1
    assert again.status_code == 200
    root = parse(answer)
    assert [el.tag for el in root] == ["Say", "Say", "Say", "Say", "Say", "Gather"]


def test_a_repeated_delivery_answers_the_same_twiml(client, call, world):
    identify(call)
    call.press("1")
    url, params = call.requests[-1]
    first = signed_post(client, url, params).get_data(as_text=True)
    second = signed_post(client, url, params).get_data(as_text=True)
    assert first == second
    assert parse(first).find("Gather").get("action").startswith("/ivr/party?t=")


def test_a_replayed_old_step_changes_nothing(client, call, session, world):
    identify(call)
    old_url, old_params = call.requests[-1]         # the PIN step
    call.press("1")
    call.press("9")
    answer = signed_post(client, old_url, old_params).get_data(as_text=True)
    assert parse(answer).find("Gather").get("action").startswith("/ivr/menu?t=")
    assert gather_step(call) == "date"
    call.press("1")                                   # the call goes on where it was
    assert gather_step(call) == "confirm"


def test_a_step_out_of_order_hears_where_the_call_is(client, call, session, world):
    identify(call)
    sid = call.call_sid
    turn = call.last_gather.get("action").split("t=")[1]
    answer = signed_post(client, f"/ivr/confirm?t={turn}", {
        "CallSid": sid, "From": LEAD_PHONE, "Digits": "1"}).get_data(as_text=True)
    gather = parse(answer).find("Gather")
    assert gather.get("action").startswith("/ivr/menu?t=")
    assert session.scalar(select(func.count(Booking.id))) == 0


def test_a_step_with_a_turn_from_the_future_repeats_the_last_answer(client, call, world):
    identify(call)
    answer = signed_post(client, "/ivr/menu?t=99", {"CallSid": call.call_sid,
                                                    "Digits": "1"}).get_data(as_text=True)
    assert parse(answer).find("Gather").get("action").startswith("/ivr/menu?t=")


def test_an_unknown_call_starts_again(client, world):
    answer = signed_post(client, "/ivr/menu?t=3", {"CallSid": "CAnever", "From": LEAD_PHONE,
                                                   "Digits": "1"}).get_data(as_text=True)
    root = parse(answer)
    assert [el.tag for el in root] == ["Say", "Redirect"]
    assert root.find("Redirect").text == "/ivr/voice"


def test_hanging_up_while_holding_a_table_releases_it(call, session, world):
    _to_confirm(call)
    hold = session.scalars(select(Hold)).one()
    assert hold.status == HELD
    call.hang_up()
    session.refresh(hold)
    session.refresh(hold.slot)
    assert hold.status == RELEASED and hold.slot.open_taken == 0
    state = session.get(CallState, call.call_sid)
    session.refresh(state)
    assert state.ended_at is not None and state.data == {}
    assert session.scalar(select(func.count(CallStepReply.id))) == 0


def test_a_step_replayed_after_the_call_ended_hears_goodbye(client, call, world):
    identify(call)
    url, params = call.requests[-1]
    call.hang_up()
    root = parse(signed_post(client, url, params).get_data(as_text=True))
    assert [el.tag for el in root] == ["Say", "Hangup"]


def test_the_status_callback_twice_changes_nothing_more(client, call, session, world):
    _to_confirm(call)
    call.hang_up()
    url, params = call.requests[-1]
    assert signed_post(client, url, params).status_code == 200
    assert session.scalars(select(Hold)).one().status == RELEASED


def test_an_unsigned_or_wrongly_signed_request_is_refused_and_changes_nothing(client, session,
                                                                              world):
    params = {"CallSid": "CAforged", "From": LEAD_PHONE}
    assert client.post("/ivr/voice", data=params).status_code == 403
    assert signed_post(client, "/ivr/voice", params, signature="bad").status_code == 403
    assert signed_post(client, "/ivr/voice", params, auth_token="another").status_code == 403
    assert session.get(CallState, "CAforged") is None


def test_a_request_with_no_call_sid_still_hears_something(client, world):
    root = parse(signed_post(client, "/ivr/voice", {}).get_data(as_text=True))
    assert [el.tag for el in root] == ["Say", "Say", "Hangup"]
