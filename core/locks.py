"""Row locks that serialise work on one prisoner and their visitors (PostgreSQL).

Always prisoners first, then visitors, each in id order, so two transactions never wait on
each other in a circle. On SQLite every write transaction already holds the database's write
lock from its first statement (BEGIN IMMEDIATE), and FOR UPDATE compiles to nothing.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Prisoner, Visitor


def lock_people(session: Session, prisoner_ids: list[int], visitor_ids: list[int]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for model, ids in ((Prisoner, prisoner_ids), (Visitor, visitor_ids)):
        if ids:
            session.execute(select(model.id).where(model.id.in_(sorted(set(ids))))
                            .order_by(model.id).with_for_update())
