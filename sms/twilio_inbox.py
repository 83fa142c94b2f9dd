"""core.ports.Inbox over the twilio REST client: the texts Twilio holds that were sent to the
line's number, for the catch-up (core.missed_texts).

Twilio filters by the GMT date sent (`DateSent>=` a day, not an instant) and lists newest first,
so the listing asks for the day and stops at the first text older than asked for: only the
pages back to that moment are read."""
from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Iterator

from twilio.rest import Client

from core.missed_texts import ReceivedText

PAGE_SIZE = 200


class TwilioInbox:
    def __init__(self, client: Client, *, number: str):
        self._client = client
        self._number = number

    def received_since(self, since: datetime) -> Iterator[ReceivedText]:
        day = datetime.combine(since.astimezone(timezone.utc).date(), time(), timezone.utc)
        for message in self._client.messages.stream(to=self._number, date_sent_after=day,
                                                    page_size=PAGE_SIZE):
            sent_at = message.date_sent or message.date_created
            if sent_at is not None and sent_at < since:
                return
            if message.direction != "inbound" or sent_at is None:
                continue
            yield ReceivedText(message_sid=message.sid, from_phone=message.from_ or "",
                               to_phone=message.to or self._number, body=message.body or "",
                               sent_at=sent_at)
