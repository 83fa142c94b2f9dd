"""Attendance (DESIGN.md states: booked -> attended | no-show): staff record, once the session
has started, whether a booked visit's party came. A no-show keeps its visiting order used, as
HMPPS does, and is not asked for feedback."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from .actor import Actor
from .audit import record
from .clock import Clock
from .errors import Refused
from .find import get_booking
from .models import ATTENDED, BOOKED, NO_SHOW, Booking
from .outbox import withdraw_scheduled_texts
from .uow import UnitOfWork

OUTCOMES = (ATTENDED, NO_SHOW)


@dataclass(frozen=True)
class Attendance:
    booking_id: int
    reference: str
    changed: bool      # False: this outcome was already recorded, and nothing was done again
    status: str


def record_attendance(uow: UnitOfWork, clock: Clock, *, booking_id: int, outcome: str,
                      actor: Actor) -> Attendance:
    """Record that a booked visit's party came (`attended`) or did not (`no_show`). Recording
    the same outcome again changes nothing; a visit ended any other way cannot be recorded."""
    if outcome not in OUTCOMES:
        raise ValueError(f"not an attendance outcome: {outcome!r}")
    if not actor.is_staff:
        raise Refused("attendance_staff_only")
    session = uow.session
    booking = get_booking(session, booking_id)
    if booking.status == outcome:
        return Attendance(booking.id, booking.reference, False, outcome)
    if booking.status != BOOKED:
        raise Refused("attendance_not_booked")
    if booking.slot.starts_at > clock.now():
        raise Refused("attendance_too_early")
    if not _mark(session, booking, outcome):
        session.refresh(booking)     # recorded meanwhile by someone else
        return _after_race(booking, outcome)
    if outcome == NO_SHOW:
        withdraw_scheduled_texts(session, booking.id)
    record(session, clock, actor, "booking", booking.id, outcome,
           before={"status": BOOKED}, after={"status": outcome})
    uow.commit()
    return Attendance(booking.id, booking.reference, True, outcome)


def _mark(session, booking: Booking, outcome: str) -> bool:
    # Guarded on the status, so of two members of staff pressing at once only one records it.
    changed = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == BOOKED)
        .values(status=outcome).execution_options(synchronize_session=False)).rowcount == 1
    if changed:
        session.refresh(booking)
    return changed


def _after_race(booking: Booking, outcome: str) -> Attendance:
    if booking.status != outcome:
        raise Refused("attendance_not_booked")
    return Attendance(booking.id, booking.reference, False, outcome)
