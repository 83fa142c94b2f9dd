"""What a caller chooses from when booking by phone: the prisoners they may visit, the people
they may bring, and full sessions they may wait for."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import Clock
from .models import PROFESSIONAL, SOCIAL, ApprovedVisitor, Prisoner, Visitor, VisitSlot

MAX_LISTED = 5


def approved_prisoners(session: Session, visitor_id: int) -> list[Prisoner]:
    """Prisoners this visitor is approved to visit who are held somewhere, by name."""
    return list(session.scalars(
        select(Prisoner).join(ApprovedVisitor, ApprovedVisitor.prisoner_id == Prisoner.id)
        .where(ApprovedVisitor.visitor_id == visitor_id, ApprovedVisitor.approved.is_(True),
               Prisoner.prison_id.is_not(None))
        .order_by(Prisoner.last_name, Prisoner.first_name).limit(MAX_LISTED)))


def prisoners_by_number_digits(session: Session, digits: str) -> list[Prisoner]:
    """Prisoners held somewhere whose prison number has these four digits (A1234BC: 1234), or
    the one with exactly this number. A keypad has no letters."""
    typed = re.sub(r"[^A-Za-z0-9]", "", digits or "").upper()
    if re.fullmatch(r"[A-Z]\d{4}[A-Z]{2}", typed):
        return list(session.scalars(select(Prisoner).where(
            Prisoner.number == typed, Prisoner.prison_id.is_not(None))))
    if not re.fullmatch(r"\d{4}", typed):
        return []
    return list(session.scalars(select(Prisoner).where(
        Prisoner.number.like(f"_{typed}__"), Prisoner.prison_id.is_not(None))
        .order_by(Prisoner.number).limit(MAX_LISTED)))


def companions(session: Session, *, lead_id: int, prisoner_id: int) -> list[Visitor]:
    """Who the lead visitor may bring: the others on the prisoner's approved visitor list,
    children included, eldest first. Nobody, if the lead is not on that list themselves (the
    list is not read out to a stranger)."""
    lead_approved = session.scalar(select(ApprovedVisitor.id).where(
        ApprovedVisitor.prisoner_id == prisoner_id, ApprovedVisitor.visitor_id == lead_id,
        ApprovedVisitor.approved.is_(True)))
    if lead_approved is None:
        return []
    return list(session.scalars(
        select(Visitor).join(ApprovedVisitor, ApprovedVisitor.visitor_id == Visitor.id)
        .where(ApprovedVisitor.prisoner_id == prisoner_id, ApprovedVisitor.approved.is_(True),
               Visitor.id != lead_id, Visitor.anonymised_at.is_(None))
        .order_by(Visitor.date_of_birth, Visitor.id).limit(8)))


def full_sessions(session: Session, clock: Clock, *, prisoner: Prisoner, professional: bool,
                  on_date: date) -> list[VisitSlot]:
    """Sessions on this date at the prisoner's prison with no open table free: what the
    waiting list is for."""
    slots = session.scalars(select(VisitSlot).where(
        VisitSlot.prison_id == prisoner.prison_id, VisitSlot.date == on_date,
        VisitSlot.kind == (PROFESSIONAL if professional else SOCIAL),
        VisitSlot.closed_reason.is_(None), VisitSlot.starts_at > clock.now())
        .order_by(VisitSlot.starts_at))
    return [slot for slot in slots if slot.free_tables(False) <= 0]
