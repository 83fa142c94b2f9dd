"""Opt-outs: a number that texted STOP (or Twilio told us is unsubscribed) gets no more texts
from the outbox until it opts in again. One row per number, written with an atomic upsert so two
keywords arriving at once cannot collide."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .clock import Clock
from .models import PhoneOptOut
from .phones import is_uk_mobile


def is_opted_out(session: Session, phone: str) -> bool:
    return bool(session.scalar(select(PhoneOptOut.opted_out).where(PhoneOptOut.phone == phone)))


def can_be_texted(session: Session, phone: str | None) -> bool:
    """Whether texts to this number will be sent at all (core.delivery skips the others)."""
    return bool(phone) and is_uk_mobile(phone) and not is_opted_out(session, phone)


def record_opt_out(session: Session, clock: Clock, phone: str, keyword: str) -> None:
    _set(session, clock, phone, True, keyword)


def record_opt_in(session: Session, clock: Clock, phone: str, keyword: str) -> None:
    _set(session, clock, phone, False, keyword)


def _set(session: Session, clock: Clock, phone: str, opted_out: bool, keyword: str) -> None:
    """Does not commit: part of the caller's transaction."""
    values = dict(phone=phone[:16], opted_out=opted_out, changed_at=clock.now(),
                  keyword=keyword[:20])
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(PhoneOptOut).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=["phone"],
        set_={name: statement.excluded[name] for name in ("opted_out", "changed_at", "keyword")}))
