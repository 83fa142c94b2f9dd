"""What the caller answered: keys pressed or words said, read defensively (Twilio sends what it
sends; a replayed or forged request may send anything)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DIGITS = 40
MAX_SPEECH = 300

_NUMBER_WORDS = {"zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3",
                 "four": "4", "five": "5", "six": "6",
                 "seven": "7", "eight": "8", "nine": "9"}
_STAFF_WORDS = ("staff", "operator", "agent", "a person", "someone", "human", "advisor")
_REPEAT_WORDS = ("repeat", "say that again", "again", "pardon")
YES_WORDS = ("yes", "yeah", "yep", "confirm", "correct", "right", "ok", "okay", "please do")
NO_WORDS = ("no", "nope", "change", "choose again", "wrong", "keep it", "don't")


@dataclass(frozen=True)
class Answer:
    digits: str = ""
    speech: str = ""
    extra: dict = field(default_factory=dict)   # DialCallStatus, QueueResult, RecordingUrl...

    @classmethod
    def from_form(cls, form) -> "Answer":
        digits = re.sub(r"[^0-9*#]", "", str(form.get("Digits", "") or ""))[:MAX_DIGITS]
        speech = " ".join(str(form.get("SpeechResult", "") or "").lower().split())[:MAX_SPEECH]
        extra = {name: str(form.get(name, "") or "")[:300] for name in
                 ("DialCallStatus", "QueueResult", "RecordingUrl", "RecordingDuration")}
        return cls(digits=digits, speech=speech, extra=extra)

    @property
    def empty(self) -> bool:
        return not self.digits and not self.speech

    @property
    def wants_staff(self) -> bool:
        return self.digits == "0" or (not self.digits and _has_any(self.speech, _STAFF_WORDS))

    @property
    def wants_repeat(self) -> bool:
        return self.digits == "*" or (not self.digits and _has_any(self.speech, _REPEAT_WORDS))

    def key(self, options: dict[str, tuple[str, ...]] | None = None) -> str | None:
        """One menu key: pressed, said as a number ("two"), or said as one of an option's words."""
        if self.digits:
            return self.digits[0] if len(self.digits.strip("#")) == 1 else None
        if not self.speech:
            return None
        for key, words in (options or {}).items():
            if _has_any(self.speech, words):
                return key
        spoken = self.number()
        return spoken if len(spoken) == 1 else None

    def number(self) -> str:
        """The digits keyed (before hash), or the digits in what was said ("four three 2 1")."""
        if self.digits:
            return self.digits.split("#")[0].replace("*", "")
        return spoken_digits(self.speech)

    def yes_no(self) -> str | None:
        return self.key({"1": YES_WORDS, "2": NO_WORDS})


def spoken_digits(speech: str) -> str:
    out = []
    for word in re.findall(r"[a-z]+|\d", speech or ""):
        if word.isdigit():
            out.append(word)
        elif word in _NUMBER_WORDS:
            out.append(_NUMBER_WORDS[word])
    return "".join(out)


def _has_any(speech: str, words: tuple[str, ...]) -> bool:
    if not speech:
        return False
    padded = f" {re.sub(r'[^a-z0-9 ]', ' ', speech)} "
    return any(f" {word} " in padded for word in words)
