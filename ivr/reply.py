"""What the line answers at one turn, before it becomes TwiML: things said, then one way on.
Values, hashable (lists given become tuples), so the same reply is rendered once (ivr.twiml)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Said:
    text: str
    language: str = "en"


@dataclass(frozen=True)
class Ask:
    """A <Gather>: the prompt is said inside it, the answer goes to `step`'s route."""
    step: str
    prompt: tuple[Said, ...]
    language: str = "en"
    num_digits: int | None = 1       # None: any number of digits, ended by hash
    timeout: int = 6
    speech: bool = True               # English menus also listen; Welsh ones take keys only
    hints: str = ""

    def __post_init__(self):
        object.__setattr__(self, "prompt", tuple(self.prompt))


@dataclass(frozen=True)
class Reply:
    said: tuple[Said, ...] = ()
    ask: Ask | None = None
    dial: str = ""                    # put through to this number (action: dial_done)
    enqueue: str = ""                 # wait in this staff queue (action: queue_done)
    record_step: str = ""             # record a short message, then this step
    redirect: str = ""                # a route under /ivr/ to go to next
    hangup: bool = False

    def __post_init__(self):
        object.__setattr__(self, "said", tuple(self.said))

    def then(self, *before: Said) -> "Reply":
        """The same reply with more said first."""
        return Reply(before + self.said, self.ask, self.dial, self.enqueue,
                     self.record_step, self.redirect, self.hangup)
