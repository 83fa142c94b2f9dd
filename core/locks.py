"""Locks that serialise work on one prisoner and their visitors, or on one key (PostgreSQL).

A prisoner's non-associates are locked with them: two callers booking two prisoners who must
never have visits on the same day then take turns, and the second sees the first's visit.
Always prisoners first, then visitors, each in id order, so two transactions never wait on
each other in a circle. On SQLite every write transaction already holds the database's write
lock from its first statement (BEGIN IMMEDIATE), and FOR UPDATE compiles to nothing.
"""
from __future__ import annotations

import zlib

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from .models import NonAssociation, Prisoner, Visitor


def lock_people(session: Session, prisoner_ids: list[int], visitor_ids: list[int]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    prisoner_ids = list(set(prisoner_ids) | _non_associates(session, prisoner_ids))
    for model, ids in ((Prisoner, prisoner_ids), (Visitor, visitor_ids)):
        if ids:
            session.execute(select(model.id).where(model.id.in_(sorted(set(ids))))
                            .order_by(model.id).with_for_update())


def _non_associates(session: Session, prisoner_ids: list[int]) -> set[int]:
    pairs = session.execute(select(NonAssociation.prisoner_id, NonAssociation.other_prisoner_id)
                            .where(or_(NonAssociation.prisoner_id.in_(prisoner_ids),
                                       NonAssociation.other_prisoner_id.in_(prisoner_ids))))
    return {prisoner for pair in pairs for prisoner in pair}


def one_at_a_time(session: Session, namespace: str, *keys: str) -> None:
    """Transactions naming the same key (a username, an address, a phone number) wait for each
    other: a lock held until commit, so requests sent in parallel cannot all pass a count before
    any is counted. On SQLite every write transaction already holds the database's write lock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({zlib.crc32(f"{namespace}:{k}".encode()) for k in keys}):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
