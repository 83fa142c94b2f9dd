"""A sender for development without Twilio: each text is logged, clearly marked, not sent."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime

log = logging.getLogger(__name__)


class ConsoleSender:
    def __init__(self, write=None):
        self._write = write or log.warning
        self.sent: list[dict] = []

    def send(self, *, message_id: int, to: str, body: str, validity_period: int) -> str:
        sid = "CONSOLE" + secrets.token_hex(16)
        self.sent.append({"sid": sid, "to": to, "body": body})
        self._write(f"[NOT SENT - console SMS] text {message_id} to {to}: {body}")
        return sid

    def find_sent(self, *, to: str, body: str, since: datetime) -> str | None:
        for text in reversed(self.sent):
            if text["to"] == to and text["body"] == body:
                return text["sid"]
        return None
