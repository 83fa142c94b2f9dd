"""Log lines: the ids that join a story, and no phone number written whole."""
from __future__ import annotations

import io
import json
import logging

import pytest

from config.logs import bound, configure_logging, mask_numbers, redact


@pytest.mark.parametrize("written, logged", [
    ("+447400300146", "+44*******146"),
    ("07400300146", "074*****146"),
    ("call 07400 300 146 back", "call 074*******146 back"),
    ("{'from_phone': '+447400300146'}", "{'from_phone': '+44*******146'}"),
])
def test_a_phone_number_is_masked_to_its_first_and_last_three(written, logged):
    assert mask_numbers(written) == logged


@pytest.mark.parametrize("kept", ["reference 123456789", "text 1733212345", "2026-12-03",
                                  "SM0123456789abcdef"])
def test_references_ids_and_dates_are_kept(kept):
    assert mask_numbers(kept) == kept


@pytest.fixture
def lines():
    out = io.StringIO()
    configure_logging(json_lines=True, stream=out)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    configure_logging(json_lines=False, stream=io.StringIO())


def test_a_json_line_carries_level_event_and_the_bound_ids(lines):
    with bound(request_id="r-1", call_sid="CA1"):
        logging.getLogger("visitline.test").info("turn %s", 3, extra={"booking_reference": "1"})
    logging.getLogger("visitline.test").info("after")
    first, second = lines()
    assert {k: first[k] for k in ("level", "event", "request_id", "call_sid",
                                  "booking_reference")} == {
        "level": "INFO", "event": "turn 3", "request_id": "r-1", "call_sid": "CA1",
        "booking_reference": "1"}
    assert "request_id" not in second


def test_an_exception_in_a_log_line_has_its_numbers_masked(lines):
    try:
        raise ValueError("parameters: {'to_phone': '+447400300146'}")
    except ValueError:
        logging.getLogger("visitline.test").exception("insert failed")
    (line,) = lines()
    assert "+447400300146" not in json.dumps(line) and "+44*******146" in line["exc_info"]


def test_a_statements_values_are_dropped_from_a_database_error():
    error = ("(sqlite3.OperationalError) no such table: inbound_message\n[SQL: INSERT INTO "
             "inbound_message (from_phone, body) VALUES (?, ?)]\n[parameters: ('+447400300146', "
             "'CANCEL 123 [x]')]\n(Background on this error at: https://sqlalche.me/e/20/e3q8)")
    assert redact(error) == (
        "(sqlite3.OperationalError) no such table: inbound_message\n[SQL: INSERT INTO "
        "inbound_message (from_phone, body) VALUES (?, ?)]\n[parameters hidden]\n"
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)")
