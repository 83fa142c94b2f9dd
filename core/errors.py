"""Domain errors a caller can cause: a reason code from the catalogue, and what fills it in."""
from __future__ import annotations

from datetime import date

from . import catalogue


class Refused(Exception):
    """The rules say no. `reason` is a catalogue code; adapters say or text `message()`."""

    def __init__(self, reason: str, **params):
        if not catalogue.has(reason):
            raise KeyError(f"no catalogue entry for refusal {reason!r}")
        super().__init__(reason)
        self.reason = reason
        self.params = params

    def message(self, language: str = "en") -> str:
        return catalogue.render(self.reason, language, **self._localised(language))

    def _localised(self, language: str) -> dict:
        # Dates are kept as dates so each language can say them its own way.
        return {key: _localise(value, language) for key, value in self.params.items()}

    def __repr__(self) -> str:
        return f"Refused({self.reason!r}, {self.params!r})"


def _localise(value, language: str):
    if isinstance(value, date):
        return catalogue.day_text(value, language)
    return value
