"""The append-only audit log: every change to a booking, visitor, approval or slot."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .actor import Actor
from .clock import Clock
from .models import AuditEvent, Booking


def record(session: Session, clock: Clock, actor: Actor, entity: str, entity_id: int,
           action: str, before: dict | None = None, after: dict | None = None) -> None:
    session.add(AuditEvent(at=clock.now(), actor=actor.label, channel=actor.channel,
                           entity=entity, entity_id=entity_id, action=action,
                           before=_plain(before), after=_plain(after)))


def snapshot(obj: Any, *fields: str) -> dict:
    """The named columns of a row (all of them if none named), fit for JSON."""
    names = fields or tuple(c.key for c in inspect(obj).mapper.column_attrs)
    return _plain({name: getattr(obj, name) for name in names})


def _plain(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: v.isoformat() if isinstance(v, (date, datetime, time)) else v
            for k, v in values.items() if k != "pin_hash"}


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise ValueError("the audit log is append-only")


@event.listens_for(Session, "before_flush")
def _bookings_are_never_deleted(session: Session, flush_context, instances) -> None:
    """Bookings are only ever ended (cancelled, rejected, withdrawn), never deleted (spec row 5)."""
    for obj in session.deleted:
        if isinstance(obj, Booking):
            raise ValueError("bookings are never deleted, only cancelled")
