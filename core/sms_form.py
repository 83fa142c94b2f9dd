"""What a text costs, and the characters it is written in.

A text goes in GSM-7, the phones' SMS alphabet (160 characters, 153 a part once split), unless
one character is outside it: then the whole text goes as UCS-2 (70, 67 a part), more than
twice the cost. So every text has the characters that mean nothing more than a plain one (curly
quotes and apostrophes, dashes, non-breaking spaces, an ellipsis) written plainly; an English
text also writes a letter GSM-7 lacks without its accent (Siân, Zoë: Sian, Zoe), as GOV.UK
Notify does; a Welsh text keeps its letters (â, ŵ, ŷ are its spelling) and is sent as UCS-2.
Segments are counted on the encoding the gsm0338 codec gives, not by hand.
"""
from __future__ import annotations

import math
import unicodedata

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec

_PLAIN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200b": "",
    "\u2026": "...",
})
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def for_sms(text: str, language: str = "en") -> str:
    plain = text.translate(_PLAIN)
    if language == "cy":
        return plain
    return "".join(ch if _in_gsm(ch) else _unaccented(ch) for ch in plain)


def segments(text: str) -> int:
    """How many parts a phone network bills for this text."""
    try:
        units, single, part = len(text.encode("gsm03.38")), GSM_SINGLE, GSM_PART
    except UnicodeEncodeError:
        units, single, part = len(text.encode("utf-16-le")) // 2, UCS2_SINGLE, UCS2_PART
    return 1 if units <= single else math.ceil(units / part)


def is_gsm(text: str) -> bool:
    return all(_in_gsm(ch) for ch in text)


def _in_gsm(ch: str) -> bool:
    try:
        ch.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


def _unaccented(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base and all(_in_gsm(c) for c in base) else "?"
