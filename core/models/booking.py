"""Holds, bookings, who is in each party, the waiting list and notices to prisoners."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, Index,
                        text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .people import Prisoner, Visitor
from .prison import VisitSlot

# Booking states (DESIGN.md): requested -> booked | rejected | withdrawn;
# booked -> cancelled | attended | no_show.
REQUESTED = "requested"
BOOKED = "booked"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
CANCELLED = "cancelled"
ATTENDED = "attended"
NO_SHOW = "no_show"
ACTIVE_STATES = (REQUESTED, BOOKED)

# Hold states: a hold takes tables from the slot until it is confirmed, released or lapses.
HELD = "held"
CONFIRMED = "confirmed"
RELEASED = "released"
LAPSED = "lapsed"


class Hold(Base):
    """Tables kept for a caller while they confirm. Counts against capacity until it ends."""

    __tablename__ = "hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("visit_slot.id"), index=True)
    prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoner.id"))
    lead_visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id"))
    party_visitor_ids: Mapped[str] = mapped_column(String(200))  # comma-separated, lead first
    tables: Mapped[int] = mapped_column(Integer, default=1)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=HELD)
    channel: Mapped[str] = mapped_column(String(10), default="phone")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    slot: Mapped[VisitSlot] = relationship()

    def party_ids(self) -> list[int]:
        return [int(v) for v in self.party_visitor_ids.split(",") if v]

    __table_args__ = (Index("ix_hold_status_expires", "status", "expires_at"),)


class Booking(Base):
    """A visit booked (or requested) for a prisoner in a visit slot. Never deleted."""

    __tablename__ = "booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    prison_id: Mapped[int] = mapped_column(ForeignKey("prison.id"))
    prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoner.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("visit_slot.id"), index=True)
    lead_visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_because: Mapped[str] = mapped_column(String(120), default="")
    tables: Mapped[int] = mapped_column(Integer, default=1)
    uses_vo: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10))
    request_reason: Mapped[str] = mapped_column(String(120), default="")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by: Mapped[str] = mapped_column(String(40), default="")
    decision_reason: Mapped[str] = mapped_column(String(300), default="")
    support_needs: Mapped[str] = mapped_column(String(200), default="")

    prisoner: Mapped[Prisoner] = relationship()
    slot: Mapped[VisitSlot] = relationship()
    lead_visitor: Mapped[Visitor] = relationship()
    party: Mapped[list[BookingVisitor]] = relationship(
        back_populates="booking", order_by="BookingVisitor.position")

    __table_args__ = (
        # A prisoner has at most one visit in a session: the database holds this against races.
        Index("uq_booking_prisoner_slot_active", "prisoner_id", "slot_id", unique=True,
              postgresql_where=text("status IN ('requested', 'booked')"),
              sqlite_where=text("status IN ('requested', 'booked')")),
        # Which of a visitor's bookings are still on, read from a small index rather than from
        # every past booking's row (core.calendar, at every availability call).
        Index("ix_booking_active_slot", "id", "slot_id",
              postgresql_where=text("status IN ('requested', 'booked')"),
              sqlite_where=text("status IN ('requested', 'booked')")),
    )

    @property
    def visitors(self) -> list[Visitor]:
        return [member.visitor for member in self.party]


class BookingVisitor(Base):
    """One person in a booking's party (position 0 is the lead visitor)."""

    __tablename__ = "booking_visitor"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id"))
    position: Mapped[int] = mapped_column(Integer)
    relationship_to_prisoner: Mapped[str] = mapped_column(String(40), default="")

    booking: Mapped[Booking] = relationship(back_populates="party")
    visitor: Mapped[Visitor] = relationship()

    __table_args__ = (
        UniqueConstraint("booking_id", "visitor_id", name="uq_booking_visitor_pair"),
        # A visitor's bookings from the index alone, without a visit to each party row.
        Index("ix_booking_visitor_visitor_booking", "visitor_id", "booking_id"),
    )


class WaitingListEntry(Base):
    """A visitor waiting to be offered a place in a full visit slot."""

    __tablename__ = "waiting_list_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("visit_slot.id"), index=True)
    prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoner.id"))
    lead_visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id"), index=True)
    party_visitor_ids: Mapped[str] = mapped_column(String(200))  # comma-separated, lead first
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    # waiting | offered | booked | declined | expired | withdrawn
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("hold.id"), nullable=True)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def party_ids(self) -> list[int]:
        return [int(v) for v in self.party_visitor_ids.split(",") if v]


class PrisonerNotice(Base):
    """A notice for the prisoner on the wing's list (e.g. a visit cancelled); delivery recorded."""

    __tablename__ = "prisoner_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    prison_id: Mapped[int] = mapped_column(ForeignKey("prison.id"), index=True)
    prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoner.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"), nullable=True)
    location: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_by: Mapped[str] = mapped_column(String(40), default="")
