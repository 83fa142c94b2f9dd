"""The message catalogue: every phrase in English and Welsh, and every refusal a caller can hear
rendered with its parameters in both languages."""
from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest

from core import catalogue
from core.catalogue import Phrase
from core.catalogue.refusals import REFUSALS
from core.catalogue.texts import TEXTS
from core.errors import Refused

CORE = Path(__file__).resolve().parents[2] / "core"

# Each refusal with the parameters the core gives it.
REFUSAL_PARAMS = {
    "prisoner_not_here": {},
    "prisoner_not_found": {},
    "outside_window": {"earliest": date(2026, 12, 3), "latest": date(2026, 12, 29)},
    "session_closed": {},
    "no_adult": {},
    "party_too_large": {"max_people": 6, "max_adults": 3},
    "not_approved": {"name": "Sam Turner"},
    "banned": {"name": "Sam Turner", "until": date(2027, 1, 4)},
    "banned_indefinitely": {"name": "Sam Turner"},
    "closed_visits_only": {"because": Phrase("because_prisoner_closed")},
    "non_association": {},
    "prisoner_already_booked": {},
    "visitor_already_booked": {"name": "Sam Turner"},
    "remand_weekly_limit": {"limit": 3},
    "no_vo_left": {"next_due": date(2026, 12, 14)},
    "slot_full": {},
    "hold_expired": {},
    "booking_not_found": {},
    "invalid_reference": {},
    "too_late_to_cancel": {},
    "cancel_reason_needed": {},
    "not_a_request": {},
    "identity_not_confirmed": {},
    "self_service_locked": {"until": "11:00"},
    "unknown_caller": {},
    "not_professional": {},
    "no_offer": {},
    "offer_expired": {},
    "attendance_staff_only": {},
    "attendance_not_booked": {},
    "attendance_too_early": {},
    "attendance_not_recorded": {},
    "attendance_correction_too_late": {"last_day": date(2026, 12, 4)},
    "review_visit_ended": {},
}
WELSH_RENDERED = {
    "outside_window": "dydd Iau 3 Rhagfyr",
    "banned": "dydd Llun 4 Ionawr",
    "no_vo_left": "dydd Llun 14 Rhagfyr",
    "closed_visits_only": "oherwydd cyfyngiad ar y carcharor",
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", catalogue.codes())
def test_every_code_has_english_and_welsh(code):
    phrases = catalogue._CATALOGUE[code]
    assert phrases.get("en", "").strip() and phrases.get("cy", "").strip()


@pytest.mark.parametrize("code", catalogue.codes())
def test_welsh_needs_no_parameter_that_english_is_not_given(code):
    # Welsh texts may leave details out to fit a UCS-2 segment, but never need more.
    phrases = catalogue._CATALOGUE[code]
    assert _fields(phrases["cy"]) <= _fields(phrases["en"])


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_a_refusal_tells_the_same_in_english_and_welsh(code):
    assert _fields(REFUSALS[code]["en"]) == _fields(REFUSALS[code]["cy"])


def test_every_refusal_is_covered_here():
    assert set(REFUSAL_PARAMS) == set(REFUSALS)


def test_every_refusal_the_core_raises_is_in_the_catalogue():
    raised = {code for path in CORE.rglob("*.py")
              for code in re.findall(r'Refused\(\s*"(\w+)"', path.read_text())}
    assert raised and raised <= set(REFUSALS)


@pytest.mark.parametrize("code", sorted(REFUSAL_PARAMS))
@pytest.mark.parametrize("language", catalogue.LANGUAGES)
def test_every_refusal_renders_with_its_params_in_both_languages(code, language):
    params = REFUSAL_PARAMS[code]
    assert _fields(REFUSALS[code]["en"]) == set(params)
    message = Refused(code, **params).message(language)
    assert "{" not in message and "}" not in message
    for value in params.values():
        if isinstance(value, (str, int)) and not isinstance(value, Phrase):
            assert str(value) in message
    if language == "cy" and code in WELSH_RENDERED:
        assert WELSH_RENDERED[code] in message


def test_a_refusal_says_dates_in_its_own_language():
    refused = Refused("no_vo_left", next_due=date(2026, 12, 14))
    assert refused.message("en").endswith("due on Monday 14 December.")
    assert refused.message("cy").endswith("ddyledus ar dydd Llun 14 Rhagfyr.")


def test_an_unknown_refusal_code_is_a_programming_error():
    with pytest.raises(KeyError):
        Refused("no_such_reason")


def test_an_unknown_language_falls_back_to_english():
    assert catalogue.render("slot_full", "fr") == catalogue.render("slot_full", "en")


TEXT_CODES = [code for code in TEXTS if code.startswith("sms_")]


@pytest.mark.parametrize("code", TEXT_CODES)
def test_a_welsh_text_says_everything_the_english_one_says(code):
    """What it is about (prison, date, time, reference, who), what to bring and what to do
    next: a Welsh visitor is told no less."""
    assert _fields(TEXTS[code]["cy"]) == _fields(TEXTS[code]["en"])


@pytest.mark.parametrize("language, expected", [
    ("en", "was not approved: the prisoner has been released"),
    ("cy", "(cyf 417209335): mae'r carcharor wedi'i ryddhau"),
])
def test_a_reason_given_as_a_phrase_is_said_in_the_visitors_language(language, expected):
    body = catalogue.render("sms_request_rejected", language, prison="HMP Leeds",
                            day="Thursday 3 December", time="14:00", reference="417209335",
                            reason=Phrase("because_prisoner_released"))
    assert body.endswith(expected)


def test_the_next_renewal_is_said_in_welsh_when_no_date_is_known():
    said = Refused("no_vo_left", next_due=Phrase("next_renewal")).message("cy")
    assert said.endswith("yn ddyledus ar yr adnewyddiad nesaf.")
