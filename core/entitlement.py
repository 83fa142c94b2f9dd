"""Visits entitlement (spec row 1): visiting orders for convicted prisoners, a weekly limit on
remand. The VO balance is a guarded counter, like a slot's tables."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from .models import REMAND, SOCIAL, Prison, Prisoner
from .models.people import BASIC, ENHANCED, STANDARD

# Prison Rules: a convicted prisoner may have at least 2 visits in every 4 weeks.
STATUTORY_MINIMUM_VISITING_ORDERS = 2


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


def visiting_orders_per_renewal(prison: Prison, incentive_level: str) -> int:
    """What the prison gives at each renewal to a prisoner on this incentive level."""
    return {BASIC: prison.vo_allowance_basic, STANDARD: prison.vo_allowance_standard,
            ENHANCED: prison.vo_allowance_enhanced}[incentive_level]


def visiting_order_allowance(prisoner: Prisoner) -> int:
    """What the balance comes back up to at renewal: the prisoner's own allowance if they have
    one, else their prison's figure for their incentive level as it stands on the renewal day.
    A change of level therefore takes effect at the next renewal, never on orders already
    given. A released prisoner (no prison) has the statutory minimum."""
    if prisoner.vo_allowance is not None:
        return prisoner.vo_allowance
    if prisoner.prison is None:
        return STATUTORY_MINIMUM_VISITING_ORDERS
    return visiting_orders_per_renewal(prisoner.prison, prisoner.incentive_level)
