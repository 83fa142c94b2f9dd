"""One call's progress as the flow sees it: a plain dict (kept by core.conversation between
turns) with names for what is in it."""
from __future__ import annotations

from core import catalogue

from .reply import Said


class Call:
    def __init__(self, data: dict):
        self.data = data

    @classmethod
    def new(cls, *, call_sid: str, from_phone: str, language: str, prison_code: str = "") -> "Call":
        return cls({"turn": 0, "sid": call_sid, "from": from_phone, "lang": language,
                    "prison_code": prison_code, "step": "", "tries": 0})

    def __getitem__(self, key):
        return self.data.get(key)

    def __setitem__(self, key, value) -> None:
        self.data[key] = value

    def get(self, key, default=None):
        return self.data.get(key, default)

    def forget(self, *keys: str) -> None:
        for key in keys:
            self.data.pop(key, None)

    @property
    def turn(self) -> int:
        return int(self.data.get("turn", 0))

    @property
    def sid(self) -> str:
        return self.data.get("sid", "")

    @property
    def from_phone(self) -> str:
        return self.data.get("from", "")

    @property
    def lang(self) -> str:
        return self.data.get("lang") if self.data.get("lang") in catalogue.LANGUAGES else "en"

    @property
    def other_lang(self) -> str:
        return "en" if self.lang == "cy" else "cy"

    @property
    def visitor_id(self) -> int | None:
        return self.data.get("visitor_id")

    @property
    def identified(self) -> bool:
        return self.visitor_id is not None

    @property
    def welsh(self) -> bool:
        return self.lang == "cy"

    def say(self, code: str, **params) -> Said:
        return Said(catalogue.render(code, self.lang, **params), self.lang)

    def say_other(self, code: str, **params) -> Said:
        """A phrase in the other language, in that language's voice (the language switch)."""
        return Said(catalogue.render(code, self.other_lang, **params), self.other_lang)

    def said(self, text: str) -> Said:
        return Said(text, self.lang)
