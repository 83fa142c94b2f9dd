"""Holding a table while the caller confirms (DESIGN.md: default 10 minutes, counts against
capacity, lapses by itself)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import booking_log
from .actor import Actor
from .audit import record
from .calendar import load_calendar
from .capacity import end_hold, lapse_expired_holds, release_place, take_tables
from .catalogue import Phrase
from .clock import Clock
from .errors import Refused
from .locks import lock_people
from .models import HELD, RELEASED, Hold, Prison, VisitSlot
from .people import get_party, get_prisoner
from .rules import Assessment, assess_visit
from .uow import UnitOfWork


@dataclass(frozen=True)
class HeldTable:
    hold_id: int
    slot_id: int
    expires_at: datetime
    assessment: Assessment


def hold_table(uow: UnitOfWork, clock: Clock, *, slot_id: int, prisoner_id: int,
               visitor_ids: list[int], actor: Actor) -> HeldTable:
    session = uow.session
    lock_people(session, [prisoner_id], visitor_ids)
    read: list = []   # the slot and its prison, found again below without a query
    try:
        assessment = assess(uow, clock, slot_id, prisoner_id, visitor_ids, keep=read)
    except Refused as refusal:
        booking_log.refused(refusal.reason)
        raise
    lapse_expired_holds(session, clock, slot_id)
    if not take_tables(session, slot_id, assessment.tables, assessment.closed):
        full = _full(assessment)
        booking_log.refused(full.reason)
        raise full
    slot = session.get(VisitSlot, slot_id)
    now = clock.now()
    hold = Hold(slot_id=slot_id, prisoner_id=prisoner_id, lead_visitor_id=visitor_ids[0],
                party_visitor_ids=",".join(map(str, visitor_ids)), tables=assessment.tables,
                closed=assessment.closed, status=HELD, channel=actor.channel, created_at=now,
                expires_at=now + timedelta(minutes=slot.prison.hold_minutes))
    session.add(hold)
    session.flush()
    record(session, clock, actor, "slot", slot_id, "table_held",
           after={"hold": hold.id, "tables": hold.tables, "closed": hold.closed})
    uow.commit()
    return HeldTable(hold.id, slot_id, hold.expires_at, assessment)


def release_hold(uow: UnitOfWork, clock: Clock, *, hold_id: int, actor: Actor) -> bool:
    """The caller hung up or chose again: the tables are free at once. False if already ended."""
    session = uow.session
    hold = session.get(Hold, hold_id)
    if hold is None or not end_hold(session, hold_id, RELEASED):
        return False
    release_place(session, hold.slot_id, hold.tables, hold.closed)
    record(session, clock, actor, "slot", hold.slot_id, "hold_released", after={"hold": hold_id})
    uow.commit()
    return True


def assess(uow: UnitOfWork, clock: Clock, slot_id: int, prisoner_id: int,
           visitor_ids: list[int], keep: list | None = None) -> Assessment:
    """Every rule but capacity for this visit, read afresh. `keep`, if given, receives what was
    read (the slot, its prison, the prisoner, the party): the session holds unchanged objects
    only while something else does, so a caller that keeps them finds them again in the session
    rather than reading them again."""
    session = uow.session
    slot = session.get(VisitSlot, slot_id)
    if slot is None:
        raise Refused("session_closed")
    prisoner = get_prisoner(session, prisoner_id)
    visitors = get_party(session, visitor_ids)
    calendar = load_calendar(session, prisoner, visitor_ids, slot.date, slot.date)
    prison = session.get(Prison, slot.prison_id)
    if keep is not None:
        keep.extend((slot, prison, prisoner, *visitors))
    return assess_visit(session, clock, prison=prison, slot=slot, prisoner=prisoner,
                        visitors=visitors, calendar=calendar)


def _full(assessment: Assessment) -> Refused:
    if assessment.closed:
        return Refused("closed_visits_only", because=Phrase(assessment.closed_because))
    return Refused("slot_full")
