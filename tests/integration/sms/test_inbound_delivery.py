"""How texts arrive: signed or refused, malformed or not, delivered twice, and delivered twice
at the same moment (threads over a real database, committed as the line commits)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.app import create_app
from core import catalogue
from core.models import Booking, InboundMessage, OutboundMessage
from core.reference import written
from tests.support.twilio_requests import sign, signed_post

from .conftest import (LEAD_PHONE, MEMBER_PHONE, committed_line, new_sid, reply, replies,
                       text)

INBOUND = {"MessageSid": "SM" + "a" * 32, "From": LEAD_PHONE, "To": "+447400000999",
           "Body": "VISITS"}


# Signatures

def test_an_unsigned_text_is_refused(client, world):
    assert client.post("/sms/inbound", data=INBOUND).status_code == 403
    assert client.post("/sms/status", data={"MessageSid": "SM" + "a" * 32,
                                            "MessageStatus": "delivered"}).status_code == 403


@pytest.mark.parametrize("forge", [
    dict(signature="bm90IGEgc2lnbmF0dXJl"),
    dict(auth_token="another-accounts-token"),
    dict(base_url="https://elsewhere.example"),
])
def test_a_wrongly_signed_text_is_refused_and_not_stored(client, session, world, forge):
    forge = dict(forge)
    base_url = forge.pop("base_url", None)
    if base_url:
        signature = sign(base_url + "/sms/inbound", INBOUND)
        response = signed_post(client, "/sms/inbound", INBOUND, signature=signature)
    else:
        response = signed_post(client, "/sms/inbound", INBOUND, **forge)
    assert response.status_code == 403
    assert session.scalar(select(func.count(InboundMessage.id))) == 0


def test_a_text_changed_after_signing_is_refused(client, world):
    signature = sign("http://localhost/sms/inbound", INBOUND)
    changed = INBOUND | {"Body": f"CANCEL {world.booking.reference}"}
    response = client.post("/sms/inbound", data=changed,
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


# Malformed fields

@pytest.mark.parametrize("fields", [
    {"MessageSid": ""}, {"MessageSid": "not-a-sid"}, {"MessageSid": "SM" + "a" * 31},
    {"From": ""}, {"From": "+44 7400 <script>"}, {"From": "1" * 40}, {"To": "?" * 3},
])
def test_malformed_inbound_fields_are_a_400(client, session, world, fields):
    response = signed_post(client, "/sms/inbound", INBOUND | fields)
    assert response.status_code == 400
    assert session.scalar(select(func.count(InboundMessage.id))) == 0


def test_missing_fields_are_a_400(client, world):
    for missing in ("MessageSid", "From"):
        params = {k: v for k, v in INBOUND.items() if k != missing}
        assert signed_post(client, "/sms/inbound", params).status_code == 400


def test_a_text_without_a_body_is_answered(client, world):
    params = {k: v for k, v in INBOUND.items() if k != "Body"}
    assert reply(signed_post(client, "/sms/inbound", params)) == catalogue.render(
        "reply_not_understood")


def test_characters_no_database_can_hold_are_dropped(client, session, world):
    reply(text(client, "VIS\x00IT\x07S"))
    assert session.scalars(select(InboundMessage.body)).one() == "VISITS"


# Repeated deliveries

def test_a_text_delivered_twice_is_handled_once_and_answered_alike(client, session, world):
    sid = new_sid()
    first = reply(text(client, f"CANCEL {world.booking.reference}", from_=MEMBER_PHONE, sid=sid))
    again = reply(text(client, f"CANCEL {world.booking.reference}", from_=MEMBER_PHONE, sid=sid))
    assert first == again == catalogue.render("reply_cancelled",
                                              reference=written(world.booking.reference))
    assert session.scalar(select(func.count(InboundMessage.id))) == 1
    assert session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.kind == "cancellation")) == 1


# Overlapping deliveries: a database of their own, committed for real, one app, many threads.

@pytest.fixture
def line(databases, backend, tmp_path):
    container, booking = committed_line(databases.fresh_url(backend), tmp_path)
    yield container, create_app(container=container), booking
    container.engine.dispose()


def at_once(app, bodies_and_sids: list[tuple[str, str]]) -> list:
    """Each text posted from its own thread, all released together."""
    barrier = threading.Barrier(len(bodies_and_sids))
    answers: list = [None] * len(bodies_and_sids)

    def post(i: int, body: str, sid: str) -> None:
        client = app.test_client()
        barrier.wait()
        answers[i] = text(client, body, from_=MEMBER_PHONE, sid=sid)

    threads = [threading.Thread(target=post, args=(i, b, s))
               for i, (b, s) in enumerate(bodies_and_sids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def counts(container, booking) -> tuple[str, int, int]:
    with Session(container.engine) as session:
        return (session.get(Booking, booking.id).status,
                session.scalar(select(func.count(InboundMessage.id))),
                session.scalar(select(func.count(OutboundMessage.id)).where(
                    OutboundMessage.kind == "cancellation")))


def test_one_text_delivered_six_times_at_once_has_the_effect_of_one(line):
    container, app, booking = line
    sid = new_sid()
    answers = at_once(app, [(f"CANCEL {booking.reference}", sid)] * 6)
    assert {r.status_code for r in answers} == {200}
    said = {tuple(replies(r)) for r in answers}
    assert said == {(catalogue.render("reply_cancelled", reference=written(booking.reference)),)}
    assert counts(container, booking) == ("cancelled", 1, 1)


def test_six_different_cancels_at_once_cancel_once(line):
    container, app, booking = line
    answers = at_once(app, [(f"CANCEL {booking.reference}", new_sid()) for _ in range(6)])
    said = sorted(reply(r) for r in answers)
    assert said.count(catalogue.render("reply_cancelled", reference=written(booking.reference))) == 1
    assert said.count(catalogue.render("reply_already_ended",
                                     reference=written(booking.reference))) == 5
    assert counts(container, booking) == ("cancelled", 6, 1)
