"""The waiting list (spec row 3): when a place is released, the first visitor waiting whose
party fits is offered it by text, with the place held for them (default 30 minutes) so nobody
else can take it. `BOOK` (or `YES`) books it with every rule checked again; `NO`, or no answer in
time, passes it to the next.

Offers are made in the transaction that releases the place (see core.cancel.end_booking): the
release and the hold for the next visitor commit together, so the place is never free to a
third caller in between, and the offer text is in the outbox with them.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import catalogue
from .actor import SMS, Actor
from .audit import record
from .booking import confirm_booking
from .capacity import end_hold, lapse_expired_holds, release_place, take_tables
from .clock import Clock
from .errors import Refused
from .holds import assess
from .locks import lock_people
from .models import HELD, LAPSED, RELEASED, Booking, Hold, Visitor, VisitSlot, WaitingListEntry
from .outbox import queue_text
from .uow import UnitOfWork

# Entry states.
WAITING, OFFERED, BOOKED = "waiting", "offered", "booked"
DECLINED, EXPIRED, WITHDRAWN, REFUSED = "declined", "expired", "withdrawn", "refused"
LIVE = (WAITING, OFFERED)
OFFER_HOLD_MINUTES = 30
SYSTEM = Actor.system()


def join_waiting_list(uow: UnitOfWork, clock: Clock, *, slot_id: int, prisoner_id: int,
                      visitor_ids: list[int], actor: Actor) -> WaitingListEntry:
    """Every rule of a booking but capacity is checked now. Joining twice keeps one entry.
    If a place has come free meanwhile, it is offered at once."""
    session = uow.session
    # Two joins for one prisoner take turns, so the second finds the first's entry.
    lock_people(session, [prisoner_id], visitor_ids)
    assess(uow, clock, slot_id, prisoner_id, visitor_ids)
    entry = _live_entry(session, slot_id, prisoner_id)
    if entry is None:
        entry = WaitingListEntry(
            slot_id=slot_id, prisoner_id=prisoner_id, lead_visitor_id=visitor_ids[0],
            party_visitor_ids=",".join(map(str, visitor_ids)), status=WAITING,
            channel=actor.channel, created_at=clock.now())
        session.add(entry)
        session.flush()
        record(session, clock, actor, "waiting_list", entry.id, "joined",
               after={"slot": slot_id, "prisoner": prisoner_id, "party": visitor_ids})
        _text(uow, clock, entry, "sms_waiting_joined", f"waiting-{entry.id}")
        offer_released_place(uow, clock, slot_id)
    uow.commit()
    return entry


def offer_released_place(uow: UnitOfWork, clock: Clock, slot_id: int) -> list[int]:
    """Offer free tables of this slot to those waiting, first come first offered, skipping any
    party that does not fit now. Does not commit: runs in the caller's transaction.
    Returns the entries offered."""
    session = uow.session
    lapse_expired_holds(session, clock, slot_id)
    offered = []
    for entry in _waiting(session, slot_id):
        if _offer(uow, clock, entry):
            offered.append(entry.id)
    return offered


def accept_offer(uow: UnitOfWork, clock: Clock, *, phone: str,
                 entry_id: int | None = None) -> Booking:
    """BOOK: the held place becomes a booking (or a request for staff), every rule checked again
    by core.booking.confirm_booking. Refused, the place passes to the next visitor waiting."""
    session = uow.session
    entry = _offer_for(session, clock, phone, entry_id)
    hold = session.get(Hold, entry.hold_id)
    if hold.status != HELD or hold.expires_at <= clock.now():
        _end_offer(uow, clock, entry, EXPIRED, LAPSED)
        raise Refused("offer_expired")
    # Marked booked in the booking's own transaction; a refusal rolls this back.
    _move(session, entry, OFFERED, BOOKED)
    try:
        booking = confirm_booking(uow, clock, hold_id=hold.id,
                                  actor=Actor.visitor(entry.lead_visitor_id, SMS))
    except Refused as refused:
        uow.rollback()
        _end_offer(uow, clock, session.get(WaitingListEntry, entry.id), REFUSED, RELEASED,
                   reason=refused.reason)
        raise
    session.execute(update(WaitingListEntry).where(WaitingListEntry.id == entry.id)
                    .values(booking_id=booking.id))
    uow.commit()
    return booking


def decline_offer(uow: UnitOfWork, clock: Clock, *, phone: str,
                  entry_id: int | None = None) -> WaitingListEntry:
    """NO: the place is released and offered to the next visitor waiting."""
    entry = _offer_for(uow.session, clock, phone, entry_id)
    _end_offer(uow, clock, entry, DECLINED, RELEASED)
    return entry


def expire_offers(uow: UnitOfWork, clock: Clock) -> int:
    """Offers nobody answered in time pass to the next visitor waiting. Safe to run twice."""
    session = uow.session
    ids = list(session.scalars(select(WaitingListEntry.id).where(
        WaitingListEntry.status == OFFERED, WaitingListEntry.offer_expires_at <= clock.now())
        .order_by(WaitingListEntry.id)))
    expired = 0
    for entry_id in ids:
        expired += _end_offer(uow, clock, session.get(WaitingListEntry, entry_id), EXPIRED, LAPSED)
    return expired


def offer_free_places(uow: UnitOfWork, clock: Clock) -> int:
    """The safety net: places freed by lapsed phone holds, or while nobody offered them, go to
    those waiting. Commits; returns how many offers were made."""
    session = uow.session
    slot_ids = list(session.scalars(select(WaitingListEntry.slot_id).distinct().join(
        VisitSlot, VisitSlot.id == WaitingListEntry.slot_id).where(
        WaitingListEntry.status == WAITING, VisitSlot.starts_at > clock.now())))
    made = sum(len(offer_released_place(uow, clock, slot_id)) for slot_id in sorted(slot_ids))
    uow.commit()
    return made


def _offer(uow: UnitOfWork, clock: Clock, entry: WaitingListEntry) -> bool:
    session = uow.session
    try:
        assessment = assess(uow, clock, entry.slot_id, entry.prisoner_id, entry.party_ids())
    except Refused:
        return False            # not bookable now (e.g. no VO yet): stays waiting, skipped
    if not take_tables(session, entry.slot_id, assessment.tables, assessment.closed):
        return False            # does not fit in what is free: the next may
    if not _move(session, entry, WAITING, OFFERED):
        release_place(session, entry.slot_id, assessment.tables, assessment.closed)
        return False
    now = clock.now()
    hold = Hold(slot_id=entry.slot_id, prisoner_id=entry.prisoner_id,
                lead_visitor_id=entry.lead_visitor_id, party_visitor_ids=entry.party_visitor_ids,
                tables=assessment.tables, closed=assessment.closed, status=HELD, channel=SMS,
                created_at=now, expires_at=now + timedelta(minutes=OFFER_HOLD_MINUTES))
    session.add(hold)
    session.flush()
    session.execute(update(WaitingListEntry).where(WaitingListEntry.id == entry.id)
                    .values(hold_id=hold.id, offer_expires_at=hold.expires_at))
    session.refresh(entry)
    record(session, clock, SYSTEM, "waiting_list", entry.id, "offered",
           after={"hold": hold.id, "expires_at": hold.expires_at})
    _text(uow, clock, entry, "sms_offer", f"offer-{entry.id}",
          until=catalogue.time_text(hold.expires_at))
    return True


def _end_offer(uow: UnitOfWork, clock: Clock, entry: WaitingListEntry, status: str,
               hold_status: str, reason: str = "") -> int:
    """End an offer once (the transaction that moves it from 'offered'), free its place if the
    hold still had it, offer the place on, and commit."""
    session = uow.session
    if not _move(session, entry, OFFERED, status):
        uow.commit()
        return 0
    hold = session.get(Hold, entry.hold_id)
    if hold is not None and end_hold(session, hold.id, hold_status):
        release_place(session, hold.slot_id, hold.tables, hold.closed)
    record(session, clock, SYSTEM if status == EXPIRED else Actor.visitor(entry.lead_visitor_id,
                                                                           SMS),
           "waiting_list", entry.id, status, after={"reason": reason} if reason else None)
    offer_released_place(uow, clock, entry.slot_id)
    uow.commit()
    return 1


def _move(session: Session, entry: WaitingListEntry, before: str, after: str) -> bool:
    """A guarded state change: True only for the one transaction that made it."""
    changed = session.execute(
        update(WaitingListEntry).where(WaitingListEntry.id == entry.id,
                                       WaitingListEntry.status == before)
        .values(status=after).execution_options(synchronize_session=False)).rowcount == 1
    if changed:
        session.refresh(entry)
    return changed


def _offer_for(session: Session, clock: Clock, phone: str,
               entry_id: int | None) -> WaitingListEntry:
    """The visitor's open offer: the one named, else the one that ends soonest."""
    query = (select(WaitingListEntry).join(Visitor, Visitor.id == WaitingListEntry.lead_visitor_id)
             .where(Visitor.phone == phone, WaitingListEntry.status == OFFERED)
             .order_by(WaitingListEntry.offer_expires_at, WaitingListEntry.id))
    if entry_id is not None:
        query = query.where(WaitingListEntry.id == entry_id)
    entry = session.scalars(query).first()
    if entry is None:
        raise Refused("no_offer")
    return entry


def _waiting(session: Session, slot_id: int) -> list[WaitingListEntry]:
    return list(session.scalars(select(WaitingListEntry).where(
        WaitingListEntry.slot_id == slot_id, WaitingListEntry.status == WAITING)
        .order_by(WaitingListEntry.created_at, WaitingListEntry.id)))


def _live_entry(session: Session, slot_id: int, prisoner_id: int) -> WaitingListEntry | None:
    return session.scalars(select(WaitingListEntry).where(
        WaitingListEntry.slot_id == slot_id, WaitingListEntry.prisoner_id == prisoner_id,
        WaitingListEntry.status.in_(LIVE))).first()


def _text(uow: UnitOfWork, clock: Clock, entry: WaitingListEntry, code: str, key: str,
          **extra) -> None:
    session = uow.session
    lead = session.get(Visitor, entry.lead_visitor_id)
    slot = session.get(VisitSlot, entry.slot_id)
    params = _slot_params(slot, lead.language) | {"minutes": OFFER_HOLD_MINUTES} | extra
    queue_text(uow, clock, key=key, kind=code.removeprefix("sms_"), visitor=lead, code=code,
               params=params)


def _slot_params(slot: VisitSlot, language: str) -> dict:
    return dict(prison=slot.prison.name, day=catalogue.day_text(slot.date, language),
                time=catalogue.time_text(slot.starts_at))
