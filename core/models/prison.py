"""A prison, its weekly session templates, its closures and the visit slots they make."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Time,
                        UniqueConstraint, Index)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

SOCIAL = "social"
PROFESSIONAL = "professional"


class Prison(Base):
    __tablename__ = "prison"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2), default="en")  # en | cy
    address: Mapped[str] = mapped_column(String(240), default="")
    # Booking window (spec row 2): minimum notice up to a maximum advance, never over 28 days.
    min_notice_days: Mapped[int] = mapped_column(Integer, default=2)
    notice_in_working_days: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optional: a visit can be booked until this time (London) on the day min_notice_days
    # (working) days before it; 12:00 with 1 working day is "by noon the working day before".
    notice_cutoff: Mapped[time | None] = mapped_column(Time, nullable=True)
    max_advance_days: Mapped[int] = mapped_column(Integer, default=28)
    # Seating: who counts as an adult at a table varies by prison (18, 16 or 10).
    adult_age: Mapped[int] = mapped_column(Integer, default=18)
    table_max_people: Mapped[int] = mapped_column(Integer, default=6)
    table_max_adults: Mapped[int] = mapped_column(Integer, default=3)
    allows_two_tables: Mapped[bool] = mapped_column(Boolean, default=True)
    remand_visits_per_week: Mapped[int] = mapped_column(Integer, default=3)
    # Visiting orders given at each renewal, by incentive level (core.entitlement). The
    # specification names only the statutory minimum (Prison Rules: 2 visits per 4 weeks); how
    # many extra visits standard and enhanced earn is each governor's local incentives
    # decision, so the line invents no figure: every level starts at the minimum (what every
    # prisoner had before levels counted) until the prison states its own.
    vo_allowance_basic: Mapped[int] = mapped_column(Integer, default=2)
    vo_allowance_standard: Mapped[int] = mapped_column(Integer, default=2)
    vo_allowance_enhanced: Mapped[int] = mapped_column(Integer, default=2)
    hold_minutes: Mapped[int] = mapped_column(Integer, default=10)
    reminder_offsets_hours: Mapped[str] = mapped_column(String(40), default="168,48")
    id_requirements: Mapped[str] = mapped_column(
        String(240), default="photo ID for every adult (passport or driving licence)")
    # The same in Welsh, for Welsh texts and calls; "" where the prison has none (English then).
    id_requirements_cy: Mapped[str] = mapped_column(String(240), default="", server_default="")
    # Visit slots exist as rows up to this date; availability tops them up when the window moves on.
    slots_generated_until: Mapped[date | None] = mapped_column(Date, nullable=True)

    templates: Mapped[list[SessionTemplate]] = relationship(back_populates="prison")

    __table_args__ = (
        CheckConstraint("max_advance_days <= 28", name="max_advance_28"),
        CheckConstraint("vo_allowance_basic >= 2 AND vo_allowance_standard >= 2 "
                        "AND vo_allowance_enhanced >= 2", name="vo_allowance_statutory_minimum"),
    )

    def id_wording(self, language: str) -> str:
        """What visitors must bring, in their language where the prison has said it in it."""
        return (self.id_requirements_cy if language == "cy" and self.id_requirements_cy
                else self.id_requirements)

    def reminder_offsets(self) -> list[int]:
        return sorted({int(h) for h in self.reminder_offsets_hours.split(",") if h.strip()},
                      reverse=True)


class SessionTemplate(Base):
    """A weekly visiting session: weekday, times, capacity in tables, social or professional."""

    __tablename__ = "session_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    prison_id: Mapped[int] = mapped_column(ForeignKey("prison.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # Monday 0 .. Sunday 6
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    open_tables: Mapped[int] = mapped_column(Integer)
    closed_tables: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(12), default=SOCIAL)

    prison: Mapped[Prison] = relationship(back_populates="templates")

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        CheckConstraint("open_tables >= 0 AND closed_tables >= 0", name="tables"),
    )


class Closure(Base):
    """No visits on these dates: a whole day, a range, or one session (template) on those days."""

    __tablename__ = "closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    prison_id: Mapped[int] = mapped_column(ForeignKey("prison.id"), index=True)
    first_date: Mapped[date] = mapped_column(Date)
    last_date: Mapped[date] = mapped_column(Date)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("session_template.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (CheckConstraint("last_date >= first_date", name="range"),)


class VisitSlot(Base):
    """One session on one date. Its taken counters are the capacity guard (see core.capacity)."""

    __tablename__ = "visit_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    prison_id: Mapped[int] = mapped_column(ForeignKey("prison.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("session_template.id"))
    date: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(12))
    open_tables: Mapped[int] = mapped_column(Integer)
    closed_tables: Mapped[int] = mapped_column(Integer)
    open_taken: Mapped[int] = mapped_column(Integer, default=0)
    closed_taken: Mapped[int] = mapped_column(Integer, default=0)
    closed_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)

    prison: Mapped[Prison] = relationship()

    __table_args__ = (
        UniqueConstraint("template_id", "date", name="uq_visit_slot_template_date"),
        Index("ix_visit_slot_prison_date", "prison_id", "date"),
        CheckConstraint("open_taken >= 0 AND open_taken <= open_tables", name="open_capacity"),
        CheckConstraint("closed_taken >= 0 AND closed_taken <= closed_tables",
                        name="closed_capacity"),
    )

    def free_tables(self, closed: bool) -> int:
        if closed:
            return self.closed_tables - self.closed_taken
        return self.open_tables - self.open_taken
