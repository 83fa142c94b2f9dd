"""Who calls: random prisoners (seeded) with one to three of their approved visitors, an
adult first, as a caller would name them; one call in twenty from a professional visitor."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import ApprovedVisitor, Prisoner, Visitor

from .scale import TODAY

PROFESSIONAL_SHARE = 0.05


@dataclass(frozen=True)
class Caller:
    prisoner_id: int
    visitor_ids: list[int]


def sample_callers(session: Session, rng: random.Random, count: int) -> list[Caller]:
    prisoners = list(session.scalars(select(Prisoner.id).where(Prisoner.prison_id.is_not(None))
                                     .order_by(Prisoner.id)))
    professionals = list(session.scalars(select(Visitor.id).where(
        Visitor.professional_role.is_not(None)).order_by(Visitor.id)))
    chosen = [rng.choice(prisoners) for _ in range(count)]
    lists = _approved_lists(session, sorted(set(chosen)))
    callers = []
    for prisoner in chosen:
        if rng.random() < PROFESSIONAL_SHARE:
            callers.append(Caller(prisoner, [rng.choice(professionals)]))
            continue
        adults = [v for v, born in lists.get(prisoner, []) if _adult(born)]
        if not adults:
            continue
        lead = adults[0]
        others = [v for v, _ in lists[prisoner] if v != lead]
        company = rng.sample(others, rng.randint(0, min(2, len(others))))
        callers.append(Caller(prisoner, [lead] + company))
    return callers


def _approved_lists(session: Session, prisoner_ids: list[int]) -> dict[int, list]:
    lists: dict[int, list] = {}
    for prisoner, visitor, born in session.execute(
            select(ApprovedVisitor.prisoner_id, ApprovedVisitor.visitor_id, Visitor.date_of_birth)
            .join(Visitor, Visitor.id == ApprovedVisitor.visitor_id)
            .where(ApprovedVisitor.prisoner_id.in_(prisoner_ids), ApprovedVisitor.approved)
            .order_by(ApprovedVisitor.prisoner_id, ApprovedVisitor.id)):
        lists.setdefault(prisoner, []).append((visitor, born))
    return lists


def _adult(born: date) -> bool:
    return (TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))) >= 18
