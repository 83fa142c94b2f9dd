"""Replies rendered as TwiML: attributes as Twilio spells them, values as strings it reads."""
from __future__ import annotations

from ivr.reply import Ask, Reply, Said
from ivr.twiml import render
from tests.support.twiml_check import check_twiml


def test_an_english_menu_listens_for_keys_and_speech():
    xml = render(Reply([Said("Hello.")], ask=Ask("menu", [Said("Press 1.")], hints="book")), 3)
    gather = check_twiml(xml).find("Gather")
    assert gather.attrib == {"input": "dtmf speech", "action": "/ivr/menu?t=3", "method": "POST",
                             "timeout": "6", "actionOnEmptyResult": "true", "language": "en-GB",
                             "numDigits": "1", "finishOnKey": "#", "speechTimeout": "auto",
                             "hints": "book"}


def test_a_welsh_menu_takes_keys_only_in_welsh():
    xml = render(Reply(ask=Ask("menu", [Said("Pwyswch 1.", "cy")], "cy", speech=False)), 1)
    root = check_twiml(xml)
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf" and gather.get("language") == "cy-GB"
    assert gather.find("Say").attrib == {"voice": "Polly.Gwyneth", "language": "cy-GB"}


def test_dial_enqueue_record_and_hangup():
    assert check_twiml(render(Reply(dial="+441134000000"), 2)).find("Dial/Number").text == \
        "+441134000000"
    enqueue = check_twiml(render(Reply(enqueue="staff"), 2)).find("Enqueue")
    assert enqueue.get("waitUrl") == "/ivr/queue_wait" and enqueue.text == "staff"
    record = check_twiml(render(Reply(record_step="recorded"), 2)).find("Record")
    assert record.get("action") == "/ivr/recorded?t=2" and record.get("maxLength") == "60"
    assert [e.tag for e in check_twiml(render(Reply([Said("Bye.")], hangup=True), 2))] == \
        ["Say", "Hangup"]
