"""Dates as a caller keys or says them: "0312", "the 3rd of December", "Friday", and dates of
birth as eight digits. The year is the one that puts the date next (visits are in the future)."""
from __future__ import annotations

import re
from datetime import date, timedelta

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINALS = {word: n for n, word in enumerate(
    ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
     "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth")
    .split(), start=1)}
_ORDINALS.update({f"twenty {word}": 20 + n for word, n in list(_ORDINALS.items())[:9]})
_ORDINALS.update({"thirtieth": 30, "thirty first": 31})


def keyed_date(digits: str, today: date) -> date | None:
    """DDMM, the next such date from today."""
    if not re.fullmatch(r"\d{4}", digits or ""):
        return None
    return _next_date(int(digits[:2]), int(digits[2:]), today)


def spoken_date(speech: str, today: date) -> date | None:
    text = " ".join(re.sub(r"[^a-z0-9 ]", " ", (speech or "").lower()).split())
    if not text:
        return None
    if "today" in text.split():
        return today
    if "tomorrow" in text.split():
        return today + timedelta(days=1)
    month = next((i for i, name in enumerate(_MONTHS, start=1)
                  if re.search(rf"\b{name[:3]}[a-z]*\b", text)), None)
    if month is None:
        weekday = next((i for i, name in enumerate(_WEEKDAYS) if name in text), None)
        if weekday is None:
            return None
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    day = _day_number(text)
    return _next_date(day, month, today) if day else None


def date_of_birth(digits: str) -> date | None:
    """DDMMYYYY, as a caller keys it."""
    if not re.fullmatch(r"\d{8}", digits or ""):
        return None
    try:
        return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None


def _day_number(text: str) -> int | None:
    found = re.search(r"\b(\d{1,2})(st|nd|rd|th)?\b", text)
    if found:
        return int(found.group(1))
    for words in sorted(_ORDINALS, key=len, reverse=True):
        if re.search(rf"\b{words}\b", text):
            return _ORDINALS[words]
    return None


def _next_date(day: int, month: int, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None
