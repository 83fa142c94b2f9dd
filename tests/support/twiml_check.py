"""TwiML checked by structure: only verbs and attributes Twilio documents, sensible values."""
from __future__ import annotations

import xml.etree.ElementTree as ET

KNOWN = {
    "Response": set(),
    "Say": {"voice", "language", "loop"},
    "Gather": {"input", "action", "method", "timeout", "speechTimeout", "finishOnKey",
               "numDigits", "language", "hints", "actionOnEmptyResult", "bargeIn"},
    "Dial": {"action", "method", "timeout", "callerId"},
    "Number": set(),
    "Enqueue": {"action", "method", "waitUrl", "waitUrlMethod"},
    "Record": {"action", "method", "maxLength", "timeout", "finishOnKey", "playBeep", "trim"},
    "Redirect": {"method"},
    "Pause": {"length"},
    "Hangup": set(),
}
CHOICES = {"input": {"dtmf", "dtmf speech"}, "method": {"POST"}, "voice": {"Polly.Amy",
           "Polly.Gwyneth"}, "language": {"en-GB", "cy-GB"}, "finishOnKey": {"#"},
           "actionOnEmptyResult": {"true"}, "playBeep": {"true"}}


def check_twiml(xml: str) -> ET.Element:
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    for element in root.iter():
        assert element.tag in KNOWN, f"unknown verb <{element.tag}>"
        unknown = set(element.attrib) - KNOWN[element.tag]
        assert not unknown, f"<{element.tag}> has attributes Twilio does not know: {unknown}"
        for name, value in element.attrib.items():
            assert "[" not in value and "'" not in value, f"{name}={value!r} looks like Python"
            if name in CHOICES:
                assert value in CHOICES[name], f"<{element.tag} {name}={value!r}>"
            if name in ("action", "waitUrl"):
                assert value.startswith("/ivr/"), value
        if element.tag == "Say":
            assert (element.text or "").strip() and "{" not in element.text
    return root
