"""Visits entitlement (spec row 1): visiting orders for convicted prisoners, a weekly limit on
remand. The VO balance is a guarded counter, like a slot's tables."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from .models import REMAND, SOCIAL, Prisoner


def uses_visiting_order(prisoner: Prisoner, kind: str) -> bool:
    return kind == SOCIAL and prisoner.legal_status != REMAND


def use_visiting_order(session: Session, prisoner_id: int) -> bool:
    result = session.execute(
        update(Prisoner).where(Prisoner.id == prisoner_id, Prisoner.vo_balance >= 1)
        .values(vo_balance=Prisoner.vo_balance - 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def give_back_visiting_order(session: Session, prisoner_id: int) -> None:
    session.execute(
        update(Prisoner).where(Prisoner.id == prisoner_id)
        .values(vo_balance=Prisoner.vo_balance + 1)
        .execution_options(synchronize_session=False))

