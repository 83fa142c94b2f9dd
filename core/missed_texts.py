"""Texts that never reached the line's webhook (it was down, or Twilio gave up on it).

Twilio does not retry an SMS webhook, so a text sent while the line was down is only at the
provider. The catch-up asks the provider (core.ports.Inbox) for texts sent to the line since a
little before the newest one stored, and stores those it lacks as received when they were sent.
Being unhandled and over a minute old, they are then handled by the late pass (core.inbound's
abandoned texts, answered by text), exactly once: storing ignores a MessageSid already held.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from .clock import Clock
from .inbound import ABANDONED_AFTER, store_inbound
from .models import InboundMessage
from .ports import Inbox
from .uow import UnitOfWork

# Looked back past the newest stored text, for texts the provider dates a little out of order.
OVERLAP = timedelta(minutes=10)
# With nothing stored yet (a new line), how far back the first catch-up looks.
FIRST_LOOK_BACK = timedelta(days=1)
# A text younger than this may still be on its way to the webhook: it is left to it.
IN_FLIGHT = ABANDONED_AFTER


@dataclass(frozen=True)
class ReceivedText:
    message_sid: str
    from_phone: str
    to_phone: str
    body: str
    sent_at: datetime


def look_back_from(uow: UnitOfWork, clock: Clock) -> datetime:
    newest = uow.session.scalar(select(func.max(InboundMessage.received_at)))
    if newest is None:
        return clock.now() - FIRST_LOOK_BACK
    return min(newest, clock.now()) - OVERLAP


def catch_up(uow: UnitOfWork, clock: Clock, inbox: Inbox) -> int:
    """Store the texts sent to the line that it never received; returns how many."""
    since = look_back_from(uow, clock)
    settled_before = clock.now() - IN_FLIGHT
    # The provider lists newest first; they are kept, and so handled, in the order sent.
    missed = sorted((text for text in inbox.received_since(since)
                     if text.sent_at <= settled_before), key=lambda text: text.sent_at)
    stored = 0
    for text in missed:
        if store_inbound(uow, clock, message_sid=text.message_sid, from_phone=text.from_phone,
                         to_phone=text.to_phone, body=text.body, received_at=text.sent_at):
            stored += 1
    return stored
