"""The one message catalogue: every phrase a caller hears or a visitor reads, English and Welsh.

Phrases are grouped by what they are for (refusals, texts); `render` fills one in.
"""
from __future__ import annotations

from datetime import date, datetime

from ..clock import LONDON
from .offers import OFFERS
from .phone import PHONE
from .refusals import REFUSALS
from .sms_replies import SMS_REPLIES
from .staff import STAFF
from .texts import TEXTS

_CATALOGUE: dict[str, dict[str, str]] = {**REFUSALS, **TEXTS, **PHONE, **SMS_REPLIES, **OFFERS,
                                         **STAFF}
LANGUAGES = ("en", "cy")

_DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "cy": ("dydd Llun", "dydd Mawrth", "dydd Mercher", "dydd Iau", "dydd Gwener",
           "dydd Sadwrn", "dydd Sul"),
}
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "cy": ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
           "Medi", "Hydref", "Tachwedd", "Rhagfyr"),
}


class Phrase(str):
    """A catalogue code given as a parameter: rendered in the message's own language."""


def render(code: str, language: str = "en", **params) -> str:
    phrases = _CATALOGUE[code]
    template = phrases.get(language) or phrases["en"]
    return template.format(**{key: render(value, language) if isinstance(value, Phrase) else value
                              for key, value in params.items()})


def has(code: str) -> bool:
    return code in _CATALOGUE


def day_text(day: date, language: str = "en") -> str:
    """"Tuesday 3 December" / "dydd Mawrth 3 Rhagfyr"."""
    lang = language if language in LANGUAGES else "en"
    return f"{_DAYS[lang][day.weekday()]} {day.day} {_MONTHS[lang][day.month - 1]}"


def time_text(moment: datetime) -> str:
    """A 24-hour local time, "14:00", read the same in both languages."""
    return moment.astimezone(LONDON).strftime("%H:%M")


def codes() -> list[str]:
    return sorted(_CATALOGUE)
