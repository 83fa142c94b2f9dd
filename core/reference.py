"""Booking references: 8 digits and a Damm check digit.

The Damm check digit catches every single mistyped digit and every swap of two neighbouring
digits, which are the mistakes people make keying a number on a phone.
"""
from __future__ import annotations

import re
import secrets

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
LENGTH = 9


def check_digit(digits: str) -> str:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def new_reference() -> str:
    body = str(secrets.randbelow(9 * 10**7) + 10**7)  # 8 digits, no leading zero
    return body + check_digit(body)


def normalise(text: str) -> str | None:
    """The reference in a caller's or texter's words ("1234-5678 9"), or None if not valid."""
    digits = re.sub(r"[\s\-.]", "", text or "")
    if len(digits) != LENGTH or not digits.isdigit():
        return None
    return digits if check_digit(digits) == "0" else None


def spoken_groups(reference: str) -> list[str]:
    """A reference split for reading back: 3 groups of 3 digits."""
    return [reference[i:i + 3] for i in range(0, LENGTH, 3)]


def written(reference: str) -> str:
    """"417209335" as a visitor reads it in every text and page: "417 209 335" (and keys it
    back with or without the spaces)."""
    return " ".join(reference[i:i + 3] for i in range(0, len(reference), 3))
