"""Prisoners, visitors, the approved visitor list and non-associations."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Integer, String,
                        UniqueConstraint, Index)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .prison import Prison

CONVICTED = "convicted"
REMAND = "remand"
BASIC, STANDARD, ENHANCED = "basic", "standard", "enhanced"
INCENTIVE_LEVELS = (BASIC, STANDARD, ENHANCED)


class Prisoner(Base):
    __tablename__ = "prisoner"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(7), unique=True)  # e.g. A1234BC
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    # None once released; a transfer moves the prisoner to another prison.
    prison_id: Mapped[int | None] = mapped_column(ForeignKey("prison.id"), index=True, nullable=True)
    location: Mapped[str] = mapped_column(String(40), default="")
    legal_status: Mapped[str] = mapped_column(String(10), default=CONVICTED)
    incentive_level: Mapped[str] = mapped_column(String(10), default=STANDARD)
    # Visiting orders: the balance is a guarded counter like a slot's (core.entitlement).
    vo_balance: Mapped[int] = mapped_column(Integer, default=2)
    # None: the prison's figure for the incentive level. A number: this prisoner's own
    # allowance (a governor's decision for one person), whatever their level.
    vo_allowance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vo_renewal_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_visits_only: Mapped[bool] = mapped_column(Boolean, default=False)

    prison: Mapped[Prison | None] = relationship()

    __table_args__ = (
        CheckConstraint("vo_balance >= 0", name="vo_balance"),
        CheckConstraint("vo_allowance >= 2", name="vo_allowance_statutory_minimum"),
        # Renewal looks the level up in the prison's figures: an unknown one would stop it.
        CheckConstraint("incentive_level IN ('basic', 'standard', 'enhanced')",
                        name="incentive_level_known"),
    )

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Visitor(Base):
    """A person who visits, adult or child. Identity is kept (spec row 5): never deleted."""

    __tablename__ = "visitor"

    id: Mapped[int] = mapped_column(primary_key=True)
    # An explicit key for loaders where phone + date of birth cannot identify (children).
    external_ref: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(16), index=True, nullable=True)  # E.164
    pin_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    id_status: Mapped[str] = mapped_column(String(12), default="unchecked")  # unchecked|checked
    professional_role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    banned_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    ban_reason: Mapped[str] = mapped_column(String(200), default="")
    public_protection_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    restriction_under_review: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_visits_only: Mapped[bool] = mapped_column(Boolean, default=False)
    support_needs: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(2), default="en")
    phone_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_visitor_phone_dob", "phone", "date_of_birth"),)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_professional(self) -> bool:
        return self.professional_role is not None

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ApprovedVisitor(Base):
    """A visitor on a prisoner's approved visitor list, with their relationship."""

    __tablename__ = "approved_visitor"

    id: Mapped[int] = mapped_column(primary_key=True)
    prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoner.id"))
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id"), index=True)
    relationship_to_prisoner: Mapped[str] = mapped_column(String(40))
    approved: Mapped[bool] = mapped_column(Boolean, default=True)

    prisoner: Mapped[Prisoner] = relationship()
    visitor: Mapped[Visitor] = relationship()

    __table_args__ = (UniqueConstraint("prisoner_id", "visitor_id",
                                       name="uq_approved_visitor_pair"),)


class NonAssociation(Base):
    """Two prisoners who must never have visits at the same prison on the same day."""

    __tablename__ = "non_association"

    id: Mapped[int] = mapped_column(primary_key=True)
    prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoner.id"), index=True)
    other_prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoner.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        UniqueConstraint("prisoner_id", "other_prisoner_id", name="uq_non_association_pair"),
        CheckConstraint("prisoner_id < other_prisoner_id", name="ordered_pair"),
    )
