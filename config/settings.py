"""Settings: one frozen object read once from the environment. A malformed value fails at start
with a message naming the variable."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SettingError(ValueError):
    def __init__(self, name: str, problem: str):
        super().__init__(f"setting {name}: {problem}")
        self.name = name


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None = None
    secret_key: str = "dev-only-secret-change-me"
    environment: str = "development"          # development | production | test
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_phone_number: str = ""
    twilio_auth_token_previous: str = ""      # still accepted on webhooks while rotating
    twilio_api_base_url: str = ""             # tests point the real client at a local fake
    twilio_default_keywords: bool = True      # Twilio answers STOP/HELP/START itself
    public_base_url: str = ""                 # the URL Twilio signs, behind a TLS proxy
    validate_twilio_signature: bool = True
    staff_phone_number: str = ""
    staffed_from: time = time(9, 0)
    staffed_until: time = time(17, 0)
    staffed_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    timezone: str = "Europe/London"
    retention_days: int = 365 * 7
    sms_daily_cap_per_number: int = 10
    trusted_proxies: int = 0                  # proxies in front that add X-Forwarded-For
    log_format: str = ""                      # json | console; unset: console in development
    metrics_token: str = ""                   # /metrics answers only with this bearer token
    sentry_dsn: str = ""                      # unhandled exceptions reported there
    extra: dict = field(default_factory=dict)

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def has_twilio(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)


def default_database_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'visitline.sqlite'}"


def from_environment(env: dict | None = None, instance: Path | None = None) -> Settings:
    env = os.environ if env is None else env
    instance = instance or Path(env.get("VISITLINE_INSTANCE", "instance")).resolve()
    environment = _choice(env, "VISITLINE_ENV", "development",
                          ("development", "production", "test"))
    settings = Settings(
        database_url=env.get("DATABASE_URL") or default_database_url(instance),
        redis_url=env.get("REDIS_URL") or None,
        secret_key=_secret_key(env, environment),
        environment=environment,
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
        twilio_auth_token=_twilio_auth_token(env, environment),
        twilio_phone_number=env.get("TWILIO_PHONE_NUMBER", ""),
        twilio_auth_token_previous=env.get("TWILIO_AUTH_TOKEN_PREVIOUS", ""),
        twilio_api_base_url=env.get("TWILIO_API_BASE_URL", ""),
        twilio_default_keywords=_bool(env, "TWILIO_DEFAULT_KEYWORDS", True),
        public_base_url=env.get("PUBLIC_BASE_URL", "").rstrip("/"),
        validate_twilio_signature=_bool(env, "VALIDATE_TWILIO_SIGNATURE", True),
        staff_phone_number=env.get("STAFF_PHONE_NUMBER", ""),
        staffed_from=_time(env, "STAFFED_FROM", time(9, 0)),
        staffed_until=_time(env, "STAFFED_UNTIL", time(17, 0)),
        staffed_days=_days(env, "STAFFED_DAYS", (0, 1, 2, 3, 4)),
        timezone=_zone(env, "VISITLINE_TIMEZONE", "Europe/London"),
        retention_days=_int(env, "RETENTION_DAYS", 365 * 7, minimum=30),
        sms_daily_cap_per_number=_int(env, "SMS_DAILY_CAP_PER_NUMBER", 10, minimum=1),
        trusted_proxies=_int(env, "TRUSTED_PROXIES", 0, minimum=0),
        log_format=_choice(env, "LOG_FORMAT", "", ("", "json", "console")),
        metrics_token=env.get("METRICS_TOKEN", ""),
        sentry_dsn=env.get("SENTRY_DSN", ""),
    )
    if not settings.validate_twilio_signature and environment == "production":
        raise SettingError("VALIDATE_TWILIO_SIGNATURE",
                           "may be turned off only in development or test")
    if not settings.database_url.startswith(("sqlite:", "postgresql")):
        raise SettingError("DATABASE_URL", "must be a sqlite:/// or postgresql:// URL")
    return settings


def _twilio_auth_token(env, environment: str) -> str:
    token = env.get("TWILIO_AUTH_TOKEN", "")
    if token or environment != "development":
        return token
    # Without a Twilio account, the development line and `visitline phone --url` still sign and
    # check requests alike: both derive this token from the same (development) secret key.
    return hashlib.sha256(f"twilio-signing:{_secret_key(env, environment)}".encode()).hexdigest()


def _secret_key(env, environment: str) -> str:
    key = env.get("SECRET_KEY", "")
    if environment == "production" and len(key) < 32:
        raise SettingError("SECRET_KEY", "must be set to at least 32 characters in production")
    return key or "dev-only-secret-change-me"


def _choice(env, name, default, choices):
    value = env.get(name, default)
    if value not in choices:
        raise SettingError(name, f"must be one of {', '.join(choices)}, not {value!r}")
    return value


def _bool(env, name, default: bool) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingError(name, f"must be true or false, not {value!r}")


def _int(env, name, default: int, minimum: int = 0) -> int:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(name, f"must be a whole number, not {value!r}") from None
    if number < minimum:
        raise SettingError(name, f"must be at least {minimum}")
    return number


def _time(env, name, default: time) -> time:
    value = env.get(name)
    if not value:
        return default
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise SettingError(name, f"must be a time like 09:00, not {value!r}") from None


def _days(env, name, default):
    value = env.get(name)
    if not value:
        return default
    try:
        days = tuple(int(d) for d in value.split(","))
    except ValueError:
        raise SettingError(name, "must be weekday numbers 0-6 separated by commas") from None
    if not all(0 <= d <= 6 for d in days):
        raise SettingError(name, "must be weekday numbers 0-6 separated by commas")
    return days


def _zone(env, name, default) -> str:
    value = env.get(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(name, f"is not a known time zone: {value!r}") from None
    return value
