"""Delivery status callbacks: the provider tells how a text fared. They arrive duplicated and
out of order, so a message's status only moves forward and never leaves a final state; the
error code that came with a failure is kept. A reminder undelivered for a reason that may pass
(handset unreachable, unknown error) is sent once more later (core.outbox.resend_reminder_later)."""
from __future__ import annotations

from sqlalchemy import select, update

from .clock import Clock
from .delivery import IN_FLIGHT, UNSUBSCRIBED
from .models import OutboundMessage
from .models.messages import (DELIVERED, FAILED, PENDING, QUEUED, SCHEDULED, SENT, UNDELIVERED)
from .optouts import record_opt_out
from .outbox import PASSING_DELIVERY_FAILURES, resend_reminder_later
from .uow import UnitOfWork

# Twilio's message statuses, as ours. Those a text passes through with the provider are 'sent'.
PROVIDER_STATUSES = {
    "accepted": SENT, "scheduled": SENT, "queued": SENT, "sending": SENT, "sent": SENT,
    "delivered": DELIVERED, "read": DELIVERED,
    "undelivered": UNDELIVERED, "failed": FAILED, "canceled": FAILED,
}
# Which of our statuses each may move on from.
_BEFORE = {
    SENT: (SCHEDULED, PENDING, QUEUED),
    DELIVERED: (SCHEDULED, PENDING, QUEUED, SENT),
    UNDELIVERED: (SCHEDULED, PENDING, QUEUED, SENT),
    FAILED: (SCHEDULED, PENDING, QUEUED, SENT),
}
# What record_status found.
MOVED, UNCHANGED, UNKNOWN_MESSAGE, IGNORED = "moved", "unchanged", "unknown_message", "ignored"


def record_status(uow: UnitOfWork, clock: Clock, *, message_sid: str, provider_status: str,
                  error_code: str = "", message_id: int | None = None) -> str:
    """Apply one status callback. `message_id` is the id our callback URL carries, which finds
    the message when the callback beats the send job to recording the SID."""
    status = PROVIDER_STATUSES.get(provider_status.strip().lower())
    if status is None:
        return IGNORED
    session = uow.session
    message = _find(session, message_sid, message_id)
    if message is None:
        return UNKNOWN_MESSAGE
    values = dict(status=status, provider_sid=message_sid, status_updated_at=clock.now())
    if status in (UNDELIVERED, FAILED) and error_code:
        values["error_code"] = error_code[:12]
    elif message.error_code == IN_FLIGHT:
        values["error_code"] = ""
    moved = session.execute(
        update(OutboundMessage).where(OutboundMessage.id == message.id,
                                      OutboundMessage.status.in_(_BEFORE[status]))
        .values(**values).execution_options(synchronize_session=False)).rowcount == 1
    if moved and error_code == str(UNSUBSCRIBED):
        record_opt_out(session, clock, message.to_phone, error_code)
    if moved and status == UNDELIVERED and error_code.strip() in PASSING_DELIVERY_FAILURES:
        resend_reminder_later(session, clock, message)
    uow.commit()
    return MOVED if moved else UNCHANGED


def _find(session, message_sid: str, message_id: int | None) -> OutboundMessage | None:
    message = session.scalar(select(OutboundMessage).where(
        OutboundMessage.provider_sid == message_sid))
    if message is None and message_id is not None:
        candidate = session.get(OutboundMessage, message_id)
        if candidate is not None and candidate.provider_sid is None:
            message = candidate
    return message
