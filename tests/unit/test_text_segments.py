"""Every text the line sends, in both languages, filled with long real values, fits its budget:
a confirmation or reminder in 2 segments in English and 3 in Welsh, every other text in 1 in
English. Run with -s to see the table (template, language, characters, encoding, segments)."""
from __future__ import annotations

import pytest

from core import catalogue
from core.catalogue.offers import OFFERS
from core.catalogue.sms_replies import SMS_REPLIES
from core.catalogue.texts import TEXTS
from core.reference import written
from core.sms_commands import visits_text
from core.sms_form import for_sms, is_gsm, segments

LONGEST = {
    "en": dict(prison="HMP/YOI Hatfield Lakes, Thorne Road, Hatfield Woodhouse",
               day="Wednesday 30 September", visitors=(
                   "Siân O’Brien, Zoë O’Brien, Aoife O’Brien, Rhys O’Brien and Llŷr O’Brien"),
               id_requirements="photo ID for every adult (passport or driving licence)"),
    "cy": dict(prison="Carchar Ei Fawrhydi Parc – Heol Hopcyn John, Pen-y-bont ar Ogwr",
               day="dydd Mercher 30 Gorffennaf", visitors=(
                   "Siân O’Brien, Zoë O’Brien, Aoife O’Brien, Rhys O’Brien a Llŷr O’Brien"),
               id_requirements="dogfen adnabod gyda llun i bob oedolyn"),
}
COMMON = dict(time="14:00", reference=written("417209335"), prisoner="Daniel O’Sullivan-Hughes",
              reason="the prisoner has a closed visits restriction this month", minutes="10",
              until="10:45", count="4")
TWO_PARTS = {"sms_confirmation", "sms_reminder", "sms_request_approved"}
# Pieces of a text, not texts: they are measured inside the text that carries them.
FRAGMENTS = {"sms_late_reply", "reply_visit_item", "reply_request_item", "reply_visits_more"}
SENT = sorted(code for code in {**TEXTS, **SMS_REPLIES, **OFFERS}
              if code.startswith(("sms_", "reply_")) and code not in FRAGMENTS)


def filled(code: str, language: str) -> str:
    values = {**COMMON, **LONGEST[language]}
    def say(code, **params):
        return for_sms(catalogue.render(code, language, **params), language)
    if code == "reply_visits":
        return visits_text(say, [say("reply_visit_item", **values)] * 3, total=7)
    return say(code, **values)


def budget(code: str, language: str) -> int | None:
    if code in TWO_PARTS:
        return 2 if language == "en" else 3
    return 1 if language == "en" else None


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("code", SENT)
def test_every_text_fits_its_segment_budget(code, language, capsys):
    text = filled(code, language)
    parts = segments(text)
    with capsys.disabled():
        print(f"\n{code:28} {language} {len(text):4} chars "
              f"{'GSM-7' if is_gsm(text) else 'UCS-2'} {parts} segment(s)", end="")
    allowed = budget(code, language)
    if allowed is not None:
        assert parts <= allowed, text


@pytest.mark.parametrize("code", SENT)
def test_an_english_text_is_all_gsm7_even_with_welsh_and_irish_names(code):
    assert is_gsm(filled(code, "en"))


def test_curly_quotes_and_dashes_cost_nothing_and_welsh_keeps_its_letters():
    assert for_sms("O’Brien – “Siân”") == 'O\'Brien - "Sian"'
    assert for_sms("O’Brien – Siân", "cy") == "O'Brien - Siân"
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2
    assert segments("â" * 70) == 1 and segments("â" * 71) == 2


def test_the_reference_is_written_in_threes_everywhere_a_visitor_reads_it():
    assert written("417209335") == "417 209 335"


@pytest.mark.parametrize("code", sorted(c for c in TEXTS if "CANCEL" in TEXTS[c]["en"]))
def test_a_welsh_text_tells_the_welsh_keyword(code):
    assert "CANSLO" in TEXTS[code]["cy"] and "CANCEL" not in TEXTS[code]["cy"]
