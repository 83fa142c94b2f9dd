"""Finding bookings: by reference, prisoner or visitor."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import Clock
from .errors import Refused
from .models import ACTIVE_STATES, Booking, BookingVisitor, VisitSlot
from .reference import normalise


def get_booking(session: Session, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise Refused("booking_not_found")
    return booking


def find_booking_by_reference(session: Session, typed: str) -> Booking:
    """A reference as typed or keyed; a mistyped or swapped digit fails its check digit."""
    reference = normalise(typed)
    if reference is None:
        raise Refused("invalid_reference")
    booking = session.scalar(select(Booking).where(Booking.reference == reference))
    if booking is None:
        raise Refused("booking_not_found")
    return booking


def bookings_for_prisoner(session: Session, prisoner_id: int) -> list[Booking]:
    return list(session.scalars(select(Booking).join(VisitSlot, Booking.slot_id == VisitSlot.id)
                                .where(Booking.prisoner_id == prisoner_id)
                                .order_by(VisitSlot.starts_at.desc())))


def bookings_for_visitor(session: Session, visitor_id: int) -> list[Booking]:
    return list(session.scalars(
        select(Booking).join(BookingVisitor, BookingVisitor.booking_id == Booking.id)
        .join(VisitSlot, Booking.slot_id == VisitSlot.id)
        .where(BookingVisitor.visitor_id == visitor_id).order_by(VisitSlot.starts_at.desc())))


def upcoming_visits(session: Session, clock: Clock, visitor_id: int) -> list[Booking]:
    """Booked or requested visits this visitor is in that have not started, soonest first."""
    return list(session.scalars(
        select(Booking).join(BookingVisitor, BookingVisitor.booking_id == Booking.id)
        .join(VisitSlot, Booking.slot_id == VisitSlot.id)
        .where(BookingVisitor.visitor_id == visitor_id, Booking.status.in_(ACTIVE_STATES),
               VisitSlot.starts_at > clock.now()).order_by(VisitSlot.starts_at)))


def visitor_is_in_booking(booking: Booking, visitor_ids: set[int]) -> bool:
    return any(member.visitor_id in visitor_ids for member in booking.party)
