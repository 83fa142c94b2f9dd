"""Reading a text into a command: pure, no database, no web. Case- and space-tolerant.

A bare `CANCEL` is one of the provider's opt-out keywords (the provider unsubscribes the sender
whatever the line does), so it is an opt-out here too, never a cancellation: cancelling is
always `CANCEL <reference>`. Welsh words are understood from every number (see
core.catalogue.sms_replies for the list); the provider knows only the English keywords, so the
Welsh ones are always answered by the line.
"""
from __future__ import annotations

import re
import unicodedata

from core.inbound import (BOOK, CANCEL, CANCEL_HOW, DECLINE, HELP, OPT_IN, OPT_OUT, TEXT,
                          VISITS, YES, Command)

# The provider's default keywords (Twilio Advanced Opt-Out).
PROVIDER_OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
PROVIDER_OPT_IN = {"START", "UNSTOP", "YES"}
PROVIDER_HELP = {"HELP", "INFO"}

# Single words: (kind, language).
WORDS = {
    **{word: (OPT_OUT, "") for word in PROVIDER_OPT_OUT},
    "STOPIO": (OPT_OUT, "cy"),
    "START": (OPT_IN, ""), "UNSTOP": (OPT_IN, ""), "DECHRAU": (OPT_IN, "cy"),
    "YES": (YES, ""),
    "HELP": (HELP, ""), "INFO": (HELP, ""), "CYMORTH": (HELP, "cy"),
    "BOOK": (BOOK, ""), "ARCHEBU": (BOOK, "cy"), "IE": (BOOK, "cy"),
    "NO": (DECLINE, ""), "NA": (DECLINE, "cy"),
    "VISITS": (VISITS, ""), "YMWELIADAU": (VISITS, "cy"),
    "CANSLO": (CANCEL_HOW, "cy"),
}
CANCEL_WORDS = {"CANCEL": "", "CANSLO": "cy"}
_CANCEL = re.compile(r"^(CANCEL|CANSLO)\b[\s:#.,\-]*(.*)$", re.DOTALL)
_RATING = re.compile(r"^([0-9]+)\s*(?:/\s*5|out of 5)?(?:$|[\s.,:;!\-]+(.*)$)",
                     re.DOTALL | re.IGNORECASE)
_NOISE = "\u200b\u200c\u200d\ufeff"


def read(body: str) -> Command:
    text = _clean(body)
    upper = text.upper()
    word = upper.rstrip(".!?")
    if word in WORDS:
        kind, language = WORDS[word]
        return Command(kind, word=word, language=language,
                       provider_keyword=upper in PROVIDER_OPT_OUT | PROVIDER_OPT_IN | PROVIDER_HELP)
    cancel = _CANCEL.match(upper)
    if cancel:
        return _cancel(cancel.group(1), cancel.group(2))
    return _text(text)


def _clean(body: str) -> str:
    """Trim, fold the compatibility forms phones produce (full-width letters), drop zero-width
    characters, and collapse runs of spaces."""
    folded = unicodedata.normalize("NFKC", body or "")
    folded = "".join(ch for ch in folded if ch not in _NOISE and (ch.isprintable() or ch.isspace()))
    return " ".join(folded.split())


def _cancel(word: str, rest: str) -> Command:
    language = CANCEL_WORDS[word]
    if not any(ch.isdigit() for ch in rest):
        return Command(CANCEL_HOW, word=word, language=language)
    # "CANCEL ref 123 456-789 thanks": the digits, spaces and dashes are the reference.
    reference = re.sub(r"[^0-9\s\-.]", " ", rest).strip(" .-")
    return Command(CANCEL, word=word, language=language, reference=reference)


def _text(text: str) -> Command:
    rating = _RATING.match(text)
    if rating and len(rating.group(1)) == 1 and rating.group(1) in "12345":
        return Command(TEXT, rating=int(rating.group(1)), text=(rating.group(2) or "").strip())
    return Command(TEXT, text=text)
