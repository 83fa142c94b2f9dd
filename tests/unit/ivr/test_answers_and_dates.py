"""Reading what a caller keyed or said, and dates as callers give them."""
from __future__ import annotations

from datetime import date

import pytest

from ivr.answers import Answer
from ivr.dates import date_of_birth, keyed_date, spoken_date
from ivr.steps.booking import spoken_prison_number

TODAY = date(2026, 12, 1)   # a Tuesday


def test_keys_are_kept_and_anything_else_dropped():
    answer = Answer.from_form({"Digits": "12<script>#9" + "9" * 100, "SpeechResult": None})
    assert answer.digits == "12#9" + "9" * 36 and answer.speech == ""


@pytest.mark.parametrize("form, key", [
    ({"Digits": "1"}, "1"), ({"SpeechResult": "Two."}, "2"), ({"SpeechResult": "book"}, "1"),
    ({"Digits": "12"}, None), ({"SpeechResult": "I want to go home"}, None)])
def test_a_menu_key(form, key):
    assert Answer.from_form(form).key({"1": ("book",)}) == key


@pytest.mark.parametrize("form", [{"Digits": "0"}, {"SpeechResult": "Can I talk to staff?"}])
def test_asking_for_staff(form):
    assert Answer.from_form(form).wants_staff


def test_star_or_repeat_repeats():
    assert Answer.from_form({"Digits": "*"}).wants_repeat
    assert Answer.from_form({"SpeechResult": "Say that again"}).wants_repeat


def test_a_spoken_pin():
    assert Answer.from_form({"SpeechResult": "four three 2 one"}).number() == "4321"


@pytest.mark.parametrize("typed, expected", [("0312", date(2026, 12, 3)),
                                             ("0101", date(2027, 1, 1)), ("3002", None),
                                             ("312", None), ("", None)])
def test_a_keyed_date_is_the_next_one(typed, expected):
    assert keyed_date(typed, TODAY) == expected


@pytest.mark.parametrize("said, expected", [
    ("the 4th of December", date(2026, 12, 4)), ("December 4th", date(2026, 12, 4)),
    ("twenty first of december", date(2026, 12, 21)), ("Friday", date(2026, 12, 4)),
    ("next Tuesday", date(2026, 12, 8)), ("tomorrow", date(2026, 12, 2)), ("banana", None)])
def test_a_spoken_date(said, expected):
    assert spoken_date(said, TODAY) == expected


def test_a_date_of_birth_as_keyed():
    assert date_of_birth("20061991") == date(1991, 6, 20)
    assert date_of_birth("31021990") is None


def test_a_spoken_prison_number():
    assert spoken_prison_number("a one two three four b c") == "A1234BC"
