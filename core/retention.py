"""Retention (spec row 5): identities are kept for the retention period (settings.retention_days,
default 7 years), then anonymised: a visitor's personal data once they have been on no booking,
waiting list or text within it, and the bodies and numbers of texts older than it that belong to
no booking within it. Bookings and the audit log stay; what was done is recorded there.
Nothing younger than the period is touched. Safe to run twice."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update

from .actor import Actor
from .audit import record
from .clock import Clock
from .models import (Booking, BookingVisitor, InboundMessage, OutboundMessage, Visitor,
                     VisitSlot, WaitingListEntry)
from .uow import UnitOfWork

SYSTEM = Actor.system()
ANONYMISED_NAME = "Anonymised"
ANONYMISED_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class Anonymised:
    cut_off: datetime
    visitors: int
    outbound: int
    inbound: int


def anonymise_expired_data(uow: UnitOfWork, clock: Clock, *, retention_days: int) -> Anonymised:
    session = uow.session
    cut_off = clock.now() - timedelta(days=retention_days)
    visitor_ids = list(session.scalars(select(Visitor.id).where(
        Visitor.anonymised_at.is_(None), Visitor.created_at < cut_off,
        ~_recent_booking(cut_off), ~_recent_waiting(cut_off), ~_recent_text(cut_off))))
    for visitor_id in visitor_ids:
        _anonymise_visitor(session, clock, visitor_id)
    outbound = _blank_outbound(session, cut_off)
    inbound = session.execute(
        update(InboundMessage).where(InboundMessage.received_at < cut_off,
                                     InboundMessage.from_phone != "")
        .values(body="", reply="", from_phone="")
        .execution_options(synchronize_session=False)).rowcount
    result = Anonymised(cut_off, len(visitor_ids), outbound, inbound)
    if visitor_ids or outbound or inbound:
        record(session, clock, SYSTEM, "retention", 0, "anonymised",
               after={"cut_off": cut_off, "visitors": len(visitor_ids),
                      "outbound_messages": outbound, "inbound_messages": inbound})
    uow.commit()
    return result


def _anonymise_visitor(session, clock: Clock, visitor_id: int) -> None:
    session.execute(update(Visitor).where(Visitor.id == visitor_id).values(
        first_name=ANONYMISED_NAME, last_name="", date_of_birth=ANONYMISED_BIRTH, phone=None,
        pin_hash=None, external_ref=None, ban_reason="", support_needs="",
        anonymised_at=clock.now()).execution_options(synchronize_session=False))
    # The audit entry names the visitor by id only: it must not keep what was removed.
    record(session, clock, SYSTEM, "visitor", visitor_id, "anonymised")


def _blank_outbound(session, cut_off: datetime) -> int:
    recent_booking = exists().where(Booking.id == OutboundMessage.booking_id,
                                    _booking_is_recent(cut_off))
    return session.execute(
        update(OutboundMessage).where(OutboundMessage.created_at < cut_off,
                                      OutboundMessage.to_phone != "", ~recent_booking)
        .values(body="", to_phone="").execution_options(synchronize_session=False)).rowcount


def _booking_is_recent(cut_off: datetime):
    slot_recent = exists().where(VisitSlot.id == Booking.slot_id, VisitSlot.starts_at >= cut_off)
    return or_(Booking.created_at >= cut_off, slot_recent)


def _recent_booking(cut_off: datetime):
    return exists().where(BookingVisitor.visitor_id == Visitor.id,
                          exists().where(and_(Booking.id == BookingVisitor.booking_id,
                                              _booking_is_recent(cut_off))))


def _recent_waiting(cut_off: datetime):
    return exists().where(WaitingListEntry.lead_visitor_id == Visitor.id,
                          WaitingListEntry.created_at >= cut_off)


def _recent_text(cut_off: datetime):
    return exists().where(OutboundMessage.visitor_id == Visitor.id,
                          OutboundMessage.created_at >= cut_off)
