"""What the core needs from the world, as Protocols. config wires real ones; tests wire fakes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Protocol

if TYPE_CHECKING:
    from .missed_texts import ReceivedText


class MessagesReady(Protocol):
    """Told, after a change commits, which outbox messages it wrote (to hand them to a sender)."""

    def messages_ready(self, message_ids: list[int]) -> None: ...


class PinHasher(Protocol):
    """Hashes PINs and staff passwords at OWASP strength (argon2id in production)."""

    def hash(self, secret: str) -> str: ...

    def verify(self, hashed: str, secret: str) -> bool: ...


class NoNotifier:
    """Used where nothing waits for messages (loaders, tests of rules)."""

    def messages_ready(self, message_ids: list[int]) -> None:
        return None


class Inbox(Protocol):
    """The provider's record of texts sent to the line (to find any its webhook never got)."""

    def received_since(self, since) -> "Iterable[ReceivedText]": ...
