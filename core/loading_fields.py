"""Reading one row of a load file: each field parsed and checked, every problem kept with its
place in the file (e.g. `visitors[3].phone: not a valid phone number "07700900123"`)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Callable

import phonenumbers
from phonenumbers import PhoneNumberType

from .entitlement import STATUTORY_MINIMUM_VISITING_ORDERS as MINIMUM_VOS
from .phones import UK_COUNTRY_CODE, to_e164
from .rules import INDEFINITE

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PRISONER_NUMBER = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
PRISON_CODE = re.compile(r"^[A-Z0-9]{2,8}$")
_CALLABLE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE,
                   PhoneNumberType.FIXED_LINE_OR_MOBILE)


class Bad(ValueError):
    """A value that will not do; the message says why, fit to show whoever wrote the file."""


def quoted(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Field:
    parse: Callable[[Any], Any]
    required: bool = False
    nullable: bool = False


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, place: str, message: str) -> None:
        self.items.append(f"{place}: {message}")

    def __len__(self) -> int:
        return len(self.items)


def read_row(raw: Any, place: str, fields: dict[str, Field], problems: Problems) -> dict | None:
    """The row's fields as parsed values; a field left out is absent from the result (so a
    later load leaves that column as it is). None if the row has any problem."""
    if not isinstance(raw, dict):
        problems.add(place, f"must be an object {{...}}, not {quoted(raw)}")
        return None
    before = len(problems)
    for key in raw:
        if key not in fields:
            problems.add(f"{place}.{key}", f"unknown field (known: {', '.join(fields)})")
    row = {}
    for name, field in fields.items():
        value = raw.get(name)
        if value is None:
            if field.required:
                problems.add(f"{place}.{name}", "is required")
            elif name in raw and field.nullable:
                row[name] = None
            elif name in raw:
                problems.add(f"{place}.{name}", "may not be null (leave it out instead)")
            continue
        try:
            row[name] = field.parse(value)
        except Bad as bad:
            problems.add(f"{place}.{name}", str(bad))
    return row if len(problems) == before else None


# Parsers: each takes the JSON value and returns what is stored, or raises Bad.

def text(max_length: int, *, empty: bool = True) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise Bad(f"must be text, not {quoted(value)}")
        value = value.strip()
        if not value and not empty:
            raise Bad("must not be empty")
        if len(value) > max_length:
            raise Bad(f"is {len(value)} characters long; at most {max_length}")
        return value
    return parse


def whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Bad(f"must be a whole number, not {quoted(value)}")
        if not low <= value <= high:
            raise Bad(f"must be from {low} to {high}, not {value}")
        return value
    return parse


def visiting_orders(value: Any) -> int:
    """Visiting orders per renewal: never below the statutory minimum (2 per 4 weeks)."""
    if isinstance(value, int) and not isinstance(value, bool) and value < MINIMUM_VOS:
        raise Bad(f"must be at least {MINIMUM_VOS} (the statutory minimum: {MINIMUM_VOS} "
                  f"visits per 4 weeks), not {value}")
    return whole(MINIMUM_VOS, 30)(value)


def choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in options:
            raise Bad(f"must be one of {', '.join(options)}, not {quoted(value)}")
        return value
    return parse


def yes_no(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Bad(f"must be true or false, not {quoted(value)}")
    return value


def day(value: Any) -> date:
    if not isinstance(value, str):
        raise Bad(f"must be a date like \"2026-03-31\", not {quoted(value)}")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise Bad(f"not a date like \"2026-03-31\": {quoted(value)}") from None
    if len(value) != 10:
        raise Bad(f"not a date like \"2026-03-31\": {quoted(value)}")
    return parsed


def birth_date(value: Any) -> date:
    born = day(value)
    if born.year < 1900:
        raise Bad(f"a date of birth before 1900 is not believable: {quoted(value)}")
    return born


def day_or_indefinite(value: Any) -> date:
    return INDEFINITE if value == "indefinite" else day(value)


def clock_time(value: Any) -> time:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2}:[0-9]{2}", value):
        raise Bad(f"must be a 24-hour time like \"14:00\", not {quoted(value)}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise Bad(f"not a time of day: {quoted(value)}") from None


def weekday(value: Any) -> int:
    if not isinstance(value, str) or value.strip().lower() not in WEEKDAYS:
        raise Bad(f"must be a day name (monday ... sunday), not {quoted(value)}")
    return WEEKDAYS.index(value.strip().lower())


def prison_code(value: Any) -> str:
    code = value.strip().upper() if isinstance(value, str) else value
    if not isinstance(code, str) or not PRISON_CODE.match(code):
        raise Bad(f"must be 2 to 8 letters or digits, like \"CFI\", not {quoted(value)}")
    return code


def prisoner_number(value: Any) -> str:
    number = value.strip().upper() if isinstance(value, str) else value
    if not isinstance(number, str) or not PRISONER_NUMBER.match(number):
        raise Bad(f"not a prison number like \"A1234BC\": {quoted(value)}")
    return number


def phone(value: Any) -> str:
    """A UK number (Isle of Man, Jersey and Guernsey share +44), mobile or landline, as E.164."""
    if not isinstance(value, str):
        raise Bad(f"must be text, not {quoted(value)}")
    e164 = to_e164(value)
    if e164 is None:
        raise Bad(f"not a valid phone number {quoted(value)}")
    parsed = phonenumbers.parse(e164, None)
    if parsed.country_code != UK_COUNTRY_CODE:
        raise Bad(f"not a UK number {quoted(value)} (+44: the UK, Isle of Man, Jersey, Guernsey)")
    if phonenumbers.number_type(parsed) not in _CALLABLE_TYPES:
        raise Bad(f"not a mobile or landline number {quoted(value)}")
    return e164


def pin(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}", value):
        raise Bad("must be 4 digits written as text, like \"4821\"")
    return value


def hours_list(value: Any) -> str:
    """Reminder offsets: a list of hours before the visit, stored as "168,48"."""
    if not isinstance(value, list) or not all(isinstance(h, int) and not isinstance(h, bool)
                                              for h in value):
        raise Bad(f"must be a list of whole hours like [168, 48], not {quoted(value)}")
    if any(not 1 <= h <= 24 * 28 for h in value):
        raise Bad(f"each must be from 1 to {24 * 28} hours, not {quoted(value)}")
    return ",".join(str(h) for h in sorted(set(value), reverse=True))


def visitor_key(value: Any) -> tuple:
    """Which visitor a link means: their `ref`, or their phone and date of birth."""
    if isinstance(value, str) and value.strip():
        return ("ref", value.strip())
    if isinstance(value, dict) and set(value) == {"phone", "date_of_birth"}:
        return ("phone", phone(value["phone"]), birth_date(value["date_of_birth"]))
    raise Bad("must be a visitor's ref, or {\"phone\": ..., \"date_of_birth\": ...}, "
              f"not {quoted(value)}")
