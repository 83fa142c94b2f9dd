"""Reading texts into commands (sms.flow): pure, both languages, case- and space-tolerant, and a
bare CANCEL is an opt-out, never a cancellation."""
from __future__ import annotations

import pytest

from core.inbound import (BOOK, CANCEL, CANCEL_HOW, DECLINE, HELP, OPT_IN, OPT_OUT, TEXT,
                          VISITS, YES)
from sms.flow import read


@pytest.mark.parametrize("body, kind, language", [
    ("STOP", OPT_OUT, ""), ("stopall", OPT_OUT, ""), ("Unsubscribe", OPT_OUT, ""),
    ("CANCEL", OPT_OUT, ""), (" cancel ", OPT_OUT, ""), ("end", OPT_OUT, ""),
    ("QUIT", OPT_OUT, ""), ("revoke", OPT_OUT, ""), ("OPTOUT", OPT_OUT, ""),
    ("STOPIO", OPT_OUT, "cy"),
    ("START", OPT_IN, ""), ("unstop", OPT_IN, ""), ("Dechrau", OPT_IN, "cy"),
    ("YES", YES, ""),
    ("HELP", HELP, ""), ("info", HELP, ""), ("Cymorth", HELP, "cy"),
    ("BOOK", BOOK, ""), ("archebu", BOOK, "cy"), ("IE", BOOK, "cy"),
    ("NO", DECLINE, ""), ("Na", DECLINE, "cy"),
    ("VISITS", VISITS, ""), ("ymweliadau", VISITS, "cy"),
    ("CANSLO", CANCEL_HOW, "cy"), ("cancel my visit", CANCEL_HOW, ""),
])
def test_keywords_in_both_languages(body, kind, language):
    command = read(body)
    assert (command.kind, command.language) == (kind, language)


def test_a_bare_cancel_is_an_opt_out_the_provider_answers():
    command = read("Cancel")
    assert command.kind == OPT_OUT and command.provider_keyword


def test_welsh_and_near_keywords_are_not_the_providers_to_answer():
    assert not read("STOPIO").provider_keyword
    assert not read("stop.").provider_keyword and read("stop.").kind == OPT_OUT
    assert not read("BOOK").provider_keyword


@pytest.mark.parametrize("body, reference", [
    ("CANCEL 417209335", "417209335"),
    ("cancel 417 209 335", "417 209 335"),
    ("Cancel 4172-0933-5", "4172-0933-5"),
    ("CANCEL: 417209335", "417209335"),
    ("cancel ref 417209335 thanks", "417209335"),
    ("CANSLO 417 209 335", "417 209 335"),
    ("  CANCEL\n417209335  ", "417209335"),
    ("ＣＡＮＣＥＬ ４１７２０９３３５", "417209335"),
])
def test_cancel_takes_the_reference_however_it_is_typed(body, reference):
    command = read(body)
    assert (command.kind, command.reference) == (CANCEL, reference)


def test_cancelled_is_not_cancel():
    assert read("cancelled 417209335").kind == TEXT


@pytest.mark.parametrize("body, rating, comment", [
    ("4", 4, ""), (" 5 ", 5, ""), ("3 - ok", 3, "ok"), ("5/5 lovely staff", 5, "lovely staff"),
    ("1. Too long a wait", 1, "Too long a wait"), ("2 out of 5", 2, ""),
])
def test_a_rating_with_or_without_a_comment(body, rating, comment):
    command = read(body)
    assert (command.kind, command.rating, command.text) == (TEXT, rating, comment)


@pytest.mark.parametrize("body", ["0", "6", "10", "45", "hello", "", "\u200b", "📅"])
def test_anything_else_is_text_without_a_rating(body):
    command = read(body)
    assert command.kind == TEXT and command.rating is None
