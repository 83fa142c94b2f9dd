"""Settings are read once from the environment; a malformed value fails at start, naming it."""
from __future__ import annotations

from datetime import time

import pytest
from click.testing import CliRunner

from config.cli import main
from config.settings import SettingError, from_environment

BASE = {"DATABASE_URL": "sqlite:///x.sqlite"}

MALFORMED = [
    ("VISITLINE_ENV", "staging"),
    ("VALIDATE_TWILIO_SIGNATURE", "perhaps"),
    ("TWILIO_DEFAULT_KEYWORDS", "2"),
    ("STAFFED_FROM", "9am"),
    ("STAFFED_UNTIL", "25:00"),
    ("STAFFED_DAYS", "mon,tue"),
    ("STAFFED_DAYS", "0,7"),
    ("VISITLINE_TIMEZONE", "Europe/Cardiff"),
    ("RETENTION_DAYS", "seven years"),
    ("RETENTION_DAYS", "10"),
    ("SMS_DAILY_CAP_PER_NUMBER", "0"),
    ("DATABASE_URL", "mysql://db/visitline"),
]


@pytest.mark.parametrize("name, value", MALFORMED)
def test_a_malformed_setting_fails_naming_it(name, value, tmp_path):
    with pytest.raises(SettingError) as error:
        from_environment(BASE | {name: value}, instance=tmp_path)
    assert error.value.name == name
    assert str(error.value).startswith(f"setting {name}: ")


def test_production_needs_a_long_secret_key(tmp_path):
    env = BASE | {"VISITLINE_ENV": "production", "SECRET_KEY": "short"}
    with pytest.raises(SettingError) as error:
        from_environment(env, instance=tmp_path)
    assert error.value.name == "SECRET_KEY"


def test_signature_checks_cannot_be_turned_off_in_production(tmp_path):
    env = BASE | {"VISITLINE_ENV": "production", "SECRET_KEY": "k" * 32,
                  "VALIDATE_TWILIO_SIGNATURE": "false"}
    with pytest.raises(SettingError) as error:
        from_environment(env, instance=tmp_path)
    assert error.value.name == "VALIDATE_TWILIO_SIGNATURE"


def test_the_defaults(tmp_path):
    settings = from_environment({}, instance=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'visitline.sqlite'}"
    assert (settings.environment, settings.timezone, settings.retention_days) == \
        ("development", "Europe/London", 2555)
    assert (settings.staffed_from, settings.staffed_until, settings.staffed_days) == \
        (time(9), time(17), (0, 1, 2, 3, 4))
    assert settings.validate_twilio_signature and settings.redis_url is None


def test_well_formed_settings_are_read(tmp_path):
    settings = from_environment(BASE | {"STAFFED_FROM": "08:30", "STAFFED_DAYS": "0,2,4",
                                        "VALIDATE_TWILIO_SIGNATURE": "off",
                                        "RETENTION_DAYS": "400"}, instance=tmp_path)
    assert (settings.staffed_from, settings.staffed_days) == (time(8, 30), (0, 2, 4))
    assert (settings.validate_twilio_signature, settings.retention_days) == (False, 400)


def test_the_command_line_stops_naming_the_malformed_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("VISITLINE_INSTANCE", str(tmp_path))
    monkeypatch.setenv("RETENTION_DAYS", "forever")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "setting RETENTION_DAYS: must be a whole number" in result.output
