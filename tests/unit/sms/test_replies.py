"""The SMS replies: English in GSM-7 within two segments, Welsh within two UCS-2 segments."""
from __future__ import annotations

import pytest

from core import catalogue
from core.catalogue.sms_replies import SMS_REPLIES

GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
           "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€")
PARAMS = {"reference": "417209335", "count": 2, "day": "dydd Mercher 30 Rhagfyr",
          "time": "14:00", "prison": "Carchar Caerdydd",
          "visits": "dydd Iau 10 Rhagfyr 14:00 Carchar Caerdydd cyf 417209335"}


def gsm7_length(text: str) -> int:
    return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)


@pytest.mark.parametrize("code", sorted(SMS_REPLIES))
def test_english_replies_are_gsm7_and_short(code):
    english = catalogue.render(code, "en", **PARAMS)
    assert set(english) <= GSM7 | GSM7_EXTENDED, set(english) - GSM7 - GSM7_EXTENDED
    assert gsm7_length(english) <= 2 * 153


@pytest.mark.parametrize("code", sorted(SMS_REPLIES))
def test_welsh_replies_fit_two_ucs2_segments(code):
    welsh = catalogue.render(code, "cy", **PARAMS)
    assert len(welsh) <= 2 * 67, len(welsh)


@pytest.mark.parametrize("code", ["reply_opted_out", "reply_opted_in", "reply_feedback_thanks",
                                  "reply_rating_range", "reply_unknown_number",
                                  "reply_no_visits", "reply_withdrawn"])
def test_short_welsh_replies_fit_one_segment(code):
    assert len(catalogue.render(code, "cy", **PARAMS)) <= 70
