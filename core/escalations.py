"""Reaching staff (spec row 6): in staffed hours a caller is put through to staff; out of hours
they leave a callback request. Every one is recorded for the admin page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from .clock import Clock
from .models import Escalation
from .uow import UnitOfWork

QUEUED, DIALLED, CALLBACK = "queued", "dialled", "callback"
OPEN, DONE = "open", "done"
ANSWERED_FROM_QUEUE = "Answered by staff while the caller waited."
LEFT_QUEUE = "The caller left the queue before staff answered: call them back."


@dataclass(frozen=True)
class StaffedHours:
    opens: time
    closes: time
    days: tuple[int, ...]          # Monday is 0
    timezone: str = "Europe/London"

    def staffed_at(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return local.weekday() in self.days and self.opens <= local.time() < self.closes


def record_escalation(uow: UnitOfWork, clock: Clock, *, kind: str, call_sid: str,
                      from_phone: str, visitor_id: int | None = None,
                      prison_id: int | None = None, reason: str = "") -> Escalation:
    """One escalation of each kind per call: asking twice in a call keeps the first."""
    session = uow.session
    existing = session.scalars(select(Escalation).where(
        Escalation.call_sid == call_sid, Escalation.kind == kind)).first() if call_sid else None
    if existing is not None:
        return existing
    escalation = Escalation(kind=kind, call_sid=call_sid[:64], from_phone=from_phone[:32],
                            visitor_id=visitor_id, prison_id=prison_id, reason=reason[:120],
                            status=OPEN, created_at=clock.now())
    session.add(escalation)
    uow.commit()
    return escalation


def attach_recording(uow: UnitOfWork, *, call_sid: str, recording_url: str) -> bool:
    """The short message a caller left with their callback request."""
    changed = uow.session.execute(
        update(Escalation).where(Escalation.call_sid == call_sid, Escalation.kind == CALLBACK)
        .values(recording_url=recording_url[:300])
        .execution_options(synchronize_session=False)).rowcount
    uow.commit()
    return bool(changed)


def open_escalations(session, prison_id: int | None = None) -> list[Escalation]:
    query = select(Escalation).where(Escalation.status == OPEN).order_by(Escalation.created_at)
    if prison_id is not None:
        query = query.where(Escalation.prison_id == prison_id)
    return list(session.scalars(query))


def caller_left_queue(uow: UnitOfWork, clock: Clock, *, call_sid: str, answered: bool) -> bool:
    """A caller queued for staff has left the queue. Answered by staff, their escalation is done;
    otherwise (they hung up, or the queue gave up) it stays open for a call back, saying so, and
    is no longer shown as a caller waiting. Only the first word about a call counts: Twilio's
    queue result and the call's end can both report it."""
    values = ({"status": DONE, "outcome": ANSWERED_FROM_QUEUE, "handled_by": "phone line",
               "handled_at": clock.now()} if answered else {"outcome": LEFT_QUEUE})
    changed = uow.session.execute(
        update(Escalation).where(Escalation.call_sid == call_sid, Escalation.kind == QUEUED,
                                 Escalation.status == OPEN, Escalation.outcome == "")
        .values(**values).execution_options(synchronize_session=False)).rowcount
    uow.commit()
    return bool(changed)
