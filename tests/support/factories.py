"""Keyword-only test data factories. Each adds and flushes; the caller's test commits nothing."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy.orm import Session

from core.models import (ApprovedVisitor, NonAssociation, Prison, Prisoner, SessionTemplate,
                         Visitor)

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def create_prison(session: Session, *, code: str | None = None, name: str = "HMP Leeds",
                  **overrides) -> Prison:
    prison = Prison(code=code or f"P{_next():04d}", name=name, **overrides)
    session.add(prison)
    session.flush()
    return prison


def create_template(session: Session, prison: Prison, *, weekday: int, start: time = time(14),
                    end: time = time(16), open_tables: int = 20, closed_tables: int = 2,
                    kind: str = "social", valid_from: date = date(2026, 1, 1),
                    valid_to: date | None = None) -> SessionTemplate:
    template = SessionTemplate(prison_id=prison.id, weekday=weekday, start_time=start,
                               end_time=end, open_tables=open_tables,
                               closed_tables=closed_tables, kind=kind, valid_from=valid_from,
                               valid_to=valid_to)
    session.add(template)
    session.flush()
    return template


def create_prisoner(session: Session, prison: Prison | None, *, number: str | None = None,
                    first_name: str = "Alex", last_name: str = "Turner",
                    date_of_birth: date = date(1990, 5, 17), legal_status: str = "convicted",
                    vo_balance: int = 2, vo_renewal_date: date | None = date(2026, 12, 14),
                    **overrides) -> Prisoner:
    n = _next()
    prisoner = Prisoner(number=number or f"A{n % 10000:04d}BC", first_name=first_name,
                        last_name=last_name, date_of_birth=date_of_birth,
                        prison_id=prison.id if prison else None, legal_status=legal_status,
                        vo_balance=vo_balance, vo_renewal_date=vo_renewal_date,
                        location=overrides.pop("location", "B-2-014"), **overrides)
    session.add(prisoner)
    session.flush()
    return prisoner


def create_visitor(session: Session, *, first_name: str = "Sam", last_name: str = "Turner",
                   date_of_birth: date = date(1988, 3, 2), phone: str | None = None,
                   pin_hash: str | None = None, **overrides) -> Visitor:
    n = _next()
    visitor = Visitor(first_name=first_name, last_name=last_name, date_of_birth=date_of_birth,
                      phone=phone if phone is not None else f"+4774{n:08d}",
                      pin_hash=pin_hash, **overrides)
    session.add(visitor)
    session.flush()
    return visitor


def approve(session: Session, prisoner: Prisoner, visitor: Visitor, *,
            relationship: str = "partner") -> ApprovedVisitor:
    link = ApprovedVisitor(prisoner_id=prisoner.id, visitor_id=visitor.id,
                           relationship_to_prisoner=relationship)
    session.add(link)
    session.flush()
    return link


def non_associate(session: Session, one: Prisoner, other: Prisoner) -> NonAssociation:
    low, high = sorted((one.id, other.id))
    pair = NonAssociation(prisoner_id=low, other_prisoner_id=high, reason="test")
    session.add(pair)
    session.flush()
    return pair
