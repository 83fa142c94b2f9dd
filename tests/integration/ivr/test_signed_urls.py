"""Twilio signs the URL exactly as it requested it: a webhook URL with percent-escapes in its
query (a number configured with `?prison=LEI&label=...`) is answered when signed, also behind a
TLS-terminating proxy, and refused when the signature covers any other spelling of it."""
from __future__ import annotations

import dataclasses

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from config.app import create_app
from config.terminal_phone import CallWalker, FlaskTransport, WalkerError
from tests.support.call_walker import parse
from tests.support.twilio_requests import AUTH_TOKEN, BASE_URL, sign, signed_post

from .conftest import LEAD_PHONE

ESCAPED = ("/ivr/voice?prison=LEI&label=Caf%C3%A9%20line%7e2"
           "&next=https%3A%2F%2Fexample.org%2Fhook")
DECODED = "/ivr/voice?prison=LEI&label=Café%20line~2&next=https://example.org/hook"
PUBLIC = "https://line.example.org"


def _answered_with_the_greeting(response) -> bool:
    assert response.status_code == 200
    action = parse(response.get_data(as_text=True)).find("Gather").get("action")
    return action.startswith("/ivr/welcome?")


def test_a_signed_request_with_an_escaped_query_is_answered(client, world):
    response = signed_post(client, ESCAPED, {"CallSid": "CAescaped", "From": LEAD_PHONE})
    assert _answered_with_the_greeting(response)
    assert "HMP Leeds" in response.get_data(as_text=True)     # ?prison=LEI was read


def test_a_signature_over_the_decoded_url_is_refused(client, world):
    params = {"CallSid": "CAdecoded", "From": LEAD_PHONE}
    response = client.post(ESCAPED, data=params,
                           headers={"X-Twilio-Signature": sign(BASE_URL + DECODED, params)})
    assert response.status_code == 403


@pytest.fixture
def proxied_client(container):
    """The line behind a TLS-terminating proxy: it sees http://localhost, Twilio signed https."""
    settings = dataclasses.replace(container.settings, public_base_url=PUBLIC)
    return create_app(container=dataclasses.replace(container, settings=settings)).test_client()


def test_behind_a_proxy_the_public_url_with_its_escapes_is_checked(proxied_client, world):
    params = {"CallSid": "CAproxied", "From": LEAD_PHONE}
    assert _answered_with_the_greeting(signed_post(proxied_client, ESCAPED, params,
                                                   base_url=PUBLIC))
    assert signed_post(proxied_client, ESCAPED, params).status_code == 403


def test_a_field_sent_twice_is_checked_with_both_values(client, world):
    fields = MultiDict([("CallSid", "CAtwice"), ("From", LEAD_PHONE), ("Digits", "1"),
                        ("Digits", "2")])
    signature = RequestValidator(AUTH_TOKEN).compute_signature(BASE_URL + "/ivr/voice", fields)
    response = client.post("/ivr/voice", data=fields, headers={"X-Twilio-Signature": signature})
    assert _answered_with_the_greeting(response)


def test_the_terminal_phone_says_why_the_line_refused_its_signature(client):
    caller = CallWalker(FlaskTransport(client, "not-the-lines-token"), from_phone="+447400123456")
    with pytest.raises(WalkerError, match="same TWILIO_AUTH_TOKEN"):
        caller.start()
