"""Every answer is TwiML Twilio can follow; nothing anyone sends any /ivr/ route makes a 500."""
from __future__ import annotations

import logging

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.twilio_requests import signed_post
from tests.support.twiml_check import check_twiml

from .conftest import LEAD_PHONE, identify

FIELDS = ["CallSid", "From", "To", "Digits", "SpeechResult", "Confidence", "CallStatus",
          "DialCallStatus", "QueueResult", "QueuePosition", "RecordingUrl", "AccountSid"]
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
values = st.one_of(text, st.from_regex(r"[0-9*#]{0,30}", fullmatch=True),
                   st.text(alphabet="0123456789#*", min_size=500, max_size=3000),
                   st.sampled_from(["1", "0", "*", "#", "9", "4321#", "yes", "staff", ""]))


def _routes(app):
    return sorted(rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/ivr/"))


def test_a_whole_call_answers_only_known_twiml(call, world):
    identify(call)
    for keys in ("1", "1#", "1", "*", "1", "2"):
        call.press(keys)
    call.press("0")
    url, params = call.requests[-1]
    for response_url, _ in call.requests:
        assert response_url.startswith("/ivr/")


def test_every_answer_in_a_walked_call_is_checked_twiml(client, call, world):
    identify(call)
    call.press("1")
    call.press("1#")
    for url, params in list(call.requests):
        check_twiml(signed_post(client, url, params).get_data(as_text=True))


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_no_ivr_route_fails_whatever_it_is_sent(app, client, call, world, data, caplog):
    """No 500, and not by luck: the views catch any exception and apologise (a caller must
    never hear an error), so an exception logged here is a failure too."""
    caplog.clear()
    if not call.requests:
        identify(call)
    route = data.draw(st.sampled_from(_routes(app)))
    # Twilio requests exactly the URLs the line gave it: turns are URL-safe text.
    turn = data.draw(st.one_of(st.none(), st.integers(0, 12).map(str),
                               st.from_regex(r"[A-Za-z0-9_-]{0,12}", fullmatch=True)))
    sid = data.draw(st.sampled_from([call.call_sid, "CAunknown", "", "x" * 200, "CA/../.."]))
    form = data.draw(st.dictionaries(st.sampled_from(FIELDS) | text, values, max_size=6))
    form.setdefault("CallSid", sid)
    form.setdefault("From", LEAD_PHONE)
    path = route if turn is None else f"{route}?t={turn}"
    response = signed_post(client, path, form)
    assert response.status_code == 200, (path, form, response.get_data(as_text=True)[:300])
    check_twiml(response.get_data(as_text=True))
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == [], (path, form, failures)
