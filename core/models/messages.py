"""The SMS outbox, inbound messages and opt-outs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, Index
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

# Outbound message states. A message is written in the same transaction as the change that
# causes it; 'scheduled' ones (reminders, feedback requests) wait for send_after.
SCHEDULED = "scheduled"
PENDING = "pending"
QUEUED = "queued"
SENT = "sent"
DELIVERED = "delivered"
UNDELIVERED = "undelivered"
FAILED = "failed"
WITHDRAWN = "withdrawn"  # its booking was cancelled before it was due
SKIPPED = "skipped"      # opted out, not a mobile, over the daily cap
FINAL_STATES = (DELIVERED, UNDELIVERED, FAILED, WITHDRAWN, SKIPPED)


class OutboundMessage(Base):
    __tablename__ = "outbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One message per cause (e.g. "confirmation-42", "reminder-42-48h"): a repeat writes nothing.
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    to_phone: Mapped[str] = mapped_column(String(16), index=True)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id"), nullable=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"), index=True,
                                                   nullable=True)
    language: Mapped[str] = mapped_column(String(2), default="en")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    error_code: Mapped[str] = mapped_column(String(12), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_outbound_message_status_send_after", "status", "send_after"),)


class InboundMessage(Base):
    """A text received, stored before it is handled (unique MessageSid: a redelivery is one)."""

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_phone: Mapped[str] = mapped_column(String(32), index=True)
    to_phone: Mapped[str] = mapped_column(String(32), default="")
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(40), default="")
    reply: Mapped[str] = mapped_column(Text, default="")


class PhoneOptOut(Base):
    """A number that texted an opt-out keyword; honoured by every later send until opt-in."""

    __tablename__ = "phone_opt_out"

    phone: Mapped[str] = mapped_column(String(16), primary_key=True)
    opted_out: Mapped[bool] = mapped_column(default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    keyword: Mapped[str] = mapped_column(String(20), default="")
