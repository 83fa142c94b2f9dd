"""The audit log, identification attempts, feedback, escalations and staff accounts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JSONData, UTCDateTime


class AuditEvent(Base):
    """Append-only: who changed what, through which channel, when, before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(40))     # "visitor:12", "staff:3", "system"
    channel: Mapped[str] = mapped_column(String(10))   # phone | sms | admin | job | loader
    entity: Mapped[str] = mapped_column(String(20))    # booking | visitor | slot | ...
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSONData, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSONData, nullable=True)

    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)


class IdentificationAttempt(Base):
    __tablename__ = "identification_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_identification_attempt_visitor_at", "visitor_id", "at"),)


class Feedback(Base):
    """A visitor's rating (1-5) and comment on booking, after a call or after a visit."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    prison_id: Mapped[int | None] = mapped_column(ForeignKey("prison.id"), index=True,
                                                  nullable=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"), nullable=True)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id"), nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Escalation(Base):
    """A caller put through to staff, or a callback request left out of hours."""

    __tablename__ = "escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # queued | dialled | callback
    call_sid: Mapped[str] = mapped_column(String(64), default="")
    from_phone: Mapped[str] = mapped_column(String(32))
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id"), nullable=True)
    prison_id: Mapped[int | None] = mapped_column(ForeignKey("prison.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(120), default="")
    recording_url: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | done
    outcome: Mapped[str] = mapped_column(String(300), default="")
    handled_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10), default="staff")  # staff | admin
    all_prisons: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to end every session of the account (disabled, password reset): a session names
    # the generation it was signed in under.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    prisons: Mapped[list[StaffPrison]] = relationship(cascade="all, delete-orphan")


class StaffPrison(Base):
    __tablename__ = "staff_prison"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    prison_id: Mapped[int] = mapped_column(ForeignKey("prison.id"), primary_key=True)


class EndedStaffSession(Base):
    """A staff session signed out: its cookie, even a copy, is refused until `expires_at`, by
    when the idle timeout would refuse it anyway. The daily job forgets those past it."""

    __tablename__ = "ended_staff_session"

    session_id: Mapped[str] = mapped_column(String(43), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SignInFailure(Base):
    """A failed staff sign-in: what the sign-in throttle counts, per username (known or not)
    and per client address."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    username: Mapped[str] = mapped_column(String(80))
    client_address: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_sign_in_failure_username_at", "username", "at"),
                      Index("ix_sign_in_failure_client_address_at", "client_address", "at"))


class CallState(Base):
    """A phone call's progress, kept server-side by CallSid so any web worker serves any step."""

    __tablename__ = "call_state"

    call_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    from_phone: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSONData, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CallStepReply(Base):
    """The answer given to one delivery of a call step, replayed when Twilio delivers it again."""

    __tablename__ = "call_step_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by the unique (call_sid, step_key) index, which serves call_sid alone too.
    call_sid: Mapped[str] = mapped_column(String(64))
    step_key: Mapped[str] = mapped_column(String(200))
    reply: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("uq_call_step_reply_key", "call_sid", "step_key", unique=True),)
