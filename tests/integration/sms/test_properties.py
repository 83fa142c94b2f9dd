"""Whatever a sender or a forged-but-signed request throws at the SMS webhooks, the line never
answers 500: malformed fields are a 4xx, anything else a valid TwiML answer or an empty 204."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.twilio_requests import signed_post

from .conftest import LEAD_PHONE, MEMBER_PHONE, STRANGER_PHONE, WELSH_PHONE

# Lone surrogates cannot travel in a UTF-8 form post, so no request can hold them.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
SIDS = st.one_of(st.from_regex(r"\A(SM|MM)[0-9a-f]{32}\Z"), TEXT)
PHONES = st.one_of(st.sampled_from([LEAD_PHONE, MEMBER_PHONE, STRANGER_PHONE, WELSH_PHONE,
                                    "+447400999888", "07400 123456", "VISITS", ""]), TEXT)
WORDS = st.sampled_from(["CANCEL", "CANSLO", "STOP", "START", "YES", "BOOK", "NO", "NA",
                         "VISITS", "HELP", "CYMORTH", "1", "5", "9", ""])
BODIES = st.one_of(TEXT, st.builds(lambda w, rest: f"{w} {rest}", WORDS, TEXT),
                   st.builds(lambda w, n: f"{w} {n}", WORDS, st.integers(0, 10**10)))
EXTRA = st.dictionaries(st.from_regex(r"\A[A-Za-z]{1,12}\Z"), TEXT, max_size=3)
STATUSES = st.one_of(st.sampled_from(["queued", "sent", "delivered", "undelivered", "failed",
                                      "read", "canceled", "receiving"]), TEXT)
CODES = st.one_of(st.just(""), st.sampled_from(["30003", "30006", "21610"]), TEXT)
QUERIES = st.one_of(st.just(""), st.integers(0, 10**14).map(lambda n: f"?m={n}"),
                    TEXT.map(lambda t: "?m=" + quote(t, safe="")))
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fields(maybe: dict) -> dict:
    return {k: v for k, v in maybe.items() if v is not None}


@SETTINGS
@given(sid=SIDS, sender=PHONES, body=st.one_of(st.none(), BODIES), extra=EXTRA)
def test_no_text_makes_a_500(client, world, sid, sender, body, extra):
    params = extra | _fields({"MessageSid": sid, "From": sender, "To": "+447400000999",
                              "Body": body})
    response = signed_post(client, "/sms/inbound", params)
    assert response.status_code < 500
    if response.status_code == 200:
        assert ET.fromstring(response.get_data(as_text=True)).tag == "Response"
    else:
        assert response.status_code == 400


@SETTINGS
@given(sid=SIDS, status=STATUSES, code=CODES, query=QUERIES, extra=EXTRA)
def test_no_status_callback_makes_a_500(client, sid, status, code, query, extra):
    params = extra | {"MessageSid": sid, "MessageStatus": status, "ErrorCode": code}
    response = signed_post(client, "/sms/status" + query, params)
    # 403: a query with percent-escapes is signed as sent but checked as decoded (the guard).
    assert response.status_code in (204, 400, 403)
    if not query.strip("?m=0123456789"):
        assert response.status_code in (204, 400)
