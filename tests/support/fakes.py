"""Fakes of the core's ports: they record what they were told, so tests can assert on it."""
from __future__ import annotations

from core.ports import MessagesReady


class RecordingNotifier(MessagesReady):
    def __init__(self) -> None:
        self.ready: list[int] = []

    def messages_ready(self, message_ids: list[int]) -> None:
        self.ready.extend(message_ids)
