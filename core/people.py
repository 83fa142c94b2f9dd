"""Loading the people a use case is about, with a refusal a caller can hear when one is missing."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Refused
from .models import Prisoner, Visitor


def get_prisoner(session: Session, prisoner_id: int) -> Prisoner:
    prisoner = session.get(Prisoner, prisoner_id)
    if prisoner is None:
        raise Refused("prisoner_not_found")
    return prisoner


def find_prisoner_by_number(session: Session, number: str) -> Prisoner:
    prisoner = session.scalar(select(Prisoner).where(
        Prisoner.number == (number or "").strip().upper()))
    if prisoner is None:
        raise Refused("prisoner_not_found")
    return prisoner


def get_party(session: Session, visitor_ids: list[int]) -> list[Visitor]:
    """The party in the order given (lead first); unknown or repeated people are refused."""
    if not visitor_ids or len(set(visitor_ids)) != len(visitor_ids):
        raise Refused("no_adult")
    found = {v.id: v for v in session.scalars(select(Visitor).where(Visitor.id.in_(visitor_ids)))}
    missing = [vid for vid in visitor_ids if vid not in found]
    if missing:
        raise Refused("not_approved", name=f"visitor {missing[0]}")
    return [found[vid] for vid in visitor_ids]
