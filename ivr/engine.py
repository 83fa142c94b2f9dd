"""The call flow's machinery: menu steps registered by name, moving between them, retries.

A step has a prompt (the <Gather> the caller hears) and an answer handler (what the caller's
keys or words lead to). Handlers return a Reply, or Retry when the answer would not do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .answers import Answer
from .call import Call
from .reply import Ask, Reply, Said

MAX_TRIES = 3


@dataclass(frozen=True)
class Retry:
    """The answer would not do: say why (or a plain "did not understand") and ask again."""
    said: list[Said] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    name: str
    prompt: Callable[..., Ask] | None
    answer: Callable[..., Reply | Retry]
    menu: bool = True          # 0 reaches staff and * repeats (every <Gather> step)


STEPS: dict[str, Step] = {}


def step(name: str, prompt: Callable[..., Ask] | None = None, *, menu: bool = True):
    """Register an answer handler (and the prompt whose answer it takes) under a route name."""
    def register(answer):
        STEPS[name] = Step(name, prompt, answer, menu)
        return answer
    return register


def go(call: Call, svc, name: str, *before: Said) -> Reply:
    """Move the caller to a menu: say what comes first, then its prompt."""
    call["step"] = name
    call["tries"] = 0
    return Reply(list(before), ask=STEPS[name].prompt(call, svc))


def ask_again(call: Call, svc, *before: Said) -> Reply:
    return Reply(list(before), ask=STEPS[call["step"]].prompt(call, svc))


def leave(call: Call, name: str) -> None:
    """The caller's next request comes to a step that is not a menu (a dial, queue or record
    result)."""
    call["step"] = name
    call["tries"] = 0


def options(call: Call, code: str, items: list[dict], first_key: int = 1) -> list[Said]:
    """"For X, press 1. For Y, press 2." read from a list."""
    return [call.say(code, key=str(i), **item) for i, item in enumerate(items, start=first_key)]


def answered(name: str, call: Call, answer: Answer) -> bool:
    return call["step"] == name and not answer.empty


def ask(call: Call, name: str, prompt: list[Said], *, num_digits: int | None = 1,
        timeout: int = 6, hints: str = "") -> Ask:
    """A menu in the call's language: keys always, speech too in English."""
    return Ask(name, prompt, call.lang, num_digits, timeout, speech=not call.welsh,
               hints="" if call.welsh else hints)
