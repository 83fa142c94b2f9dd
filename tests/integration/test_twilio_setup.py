"""`visitline twilio setup` against a local fake of Twilio's numbers API, as an operator runs it."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from config.cli import main
from tests.support.fake_twilio_numbers import FakeTwilioNumbers
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN

NUMBER = "+441134960000"
BASE = "https://visits.example.gov.uk"
FALLBACKS = ["--voice-fallback-url", "https://handler.twilio.com/twiml/EHvoice",
             "--sms-fallback-url", "https://handler.twilio.com/twiml/EHsms"]


@pytest.fixture
def numbers():
    fake = FakeTwilioNumbers({NUMBER: {"voice_url": "https://demo.twilio.com/welcome/voice/"}})
    yield fake.start()
    fake.stop()


@pytest.fixture
def run(numbers, tmp_path):
    def run(*args: str):
        env = {"VISITLINE_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
               "REDIS_URL": "", "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
               "TWILIO_API_BASE_URL": numbers.base_url}
        return CliRunner(env=env).invoke(main, ["twilio", *args])
    return run


def test_setup_points_the_number_at_the_line_with_both_fallbacks(run, numbers):
    result = run("setup", "--number", NUMBER, "--base-url", BASE, *FALLBACKS)
    assert result.exit_code == 0, result.output
    held = numbers.numbers[NUMBER]
    assert {k: held[k] for k in ("voice_url", "status_callback", "sms_url",
                                 "voice_fallback_url", "sms_fallback_url")} == {
        "voice_url": f"{BASE}/ivr/voice", "status_callback": f"{BASE}/ivr/status",
        "sms_url": f"{BASE}/sms/inbound",
        "voice_fallback_url": "https://handler.twilio.com/twiml/EHvoice",
        "sms_fallback_url": "https://handler.twilio.com/twiml/EHsms"}
    assert {held[k] for k in ("voice_method", "status_callback_method", "sms_method",
                              "voice_fallback_method", "sms_fallback_method")} == {"POST"}
    assert "changed: voice_url: https://demo.twilio.com/welcome/voice/ -> " in result.output
    assert len(numbers.updates) == 1


def test_setup_again_changes_nothing_and_check_agrees(run, numbers):
    run("setup", "--number", NUMBER, "--base-url", BASE, "--prison", "CFI", *FALLBACKS)
    again = run("setup", "--number", NUMBER, "--base-url", BASE, "--prison", "CFI", *FALLBACKS)
    check = run("setup", "--number", NUMBER, "--base-url", BASE, "--prison", "CFI", "--check",
                *FALLBACKS)
    assert numbers.numbers[NUMBER]["voice_url"] == f"{BASE}/ivr/voice?prison=CFI"
    assert len(numbers.updates) == 1
    assert again.exit_code == 0 and "is set up for" in again.output
    assert check.exit_code == 0


def test_check_only_compares(run, numbers):
    result = run("setup", "--number", NUMBER, "--base-url", BASE, "--check")
    assert result.exit_code == 1
    assert "differs: sms_url: (unset) -> https://visits.example.gov.uk/sms/inbound" in result.output
    assert numbers.updates == []


@pytest.mark.parametrize("args, says", [
    (["--number", "+440000000000", "--base-url", BASE], "has no number +440000000000"),
    (["--number", NUMBER, "--base-url", "http://visits.example.gov.uk"], "https://"),
    (["--number", NUMBER, "--base-url", BASE, "--voice-fallback-url", f"{BASE}/sorry"],
     "must not be on the line itself"),
])
def test_setup_refuses_what_cannot_work(run, numbers, args, says):
    result = run("setup", *args)
    assert result.exit_code == 2 and says in result.output
    assert numbers.updates == []


def test_the_voice_fallback_apologises_gives_the_prisons_number_and_hangs_up(run):
    result = run("fallback-twiml", "--prison-phone", "+441134960001")
    root = ET.fromstring(result.output)
    assert [child.tag for child in root] == ["Say", "Say", "Hangup"]
    assert "0 1 1 3 4 9 6 0 0 0 1" in root[0].text and root[0].text.startswith("Sorry")


def test_the_sms_fallback_answers_nothing(run):
    root = ET.fromstring(run("fallback-twiml", "--sms").output)
    assert root.tag == "Response" and list(root) == []
