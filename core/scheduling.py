"""What the scheduler does, as use cases over the database (the source of truth): feedback
requests after a visit, visiting-order renewals, requests not reviewed by their cut-off, the
next day's visits lists. Each is safe to run twice: a guarded UPDATE or a text's dedupe key
lets only one run change anything. Retention is in core.retention."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from . import catalogue
from .actor import Actor
from .audit import record
from .clock import Clock, at_local, local_today
from .errors import Refused
from .models import ATTENDED, BOOKED, REQUESTED, Booking, Prison, Prisoner, VisitSlot
from .outbox import text_about_booking
from .requests import reject_request
from .slots import ensure_visit_slots
from .uow import UnitOfWork

SYSTEM = Actor.system()
FEEDBACK_AFTER = timedelta(hours=1)     # after the visit ends
FEEDBACK_UNTIL = timedelta(days=3)      # a visit older than this is not asked about
RENEWAL_PERIOD = timedelta(days=28)     # statutory minimum: 2 visits per 4 weeks
REVIEW_CUT_OFF = time(12, 0)            # the day before the visit, as for booking notice


def request_feedback(uow: UnitOfWork, clock: Clock) -> int:
    """One text per visit that has ended, asking for a 1-5 rating. Returns texts written."""
    now = clock.now()
    bookings = uow.session.scalars(
        select(Booking).join(VisitSlot, VisitSlot.id == Booking.slot_id)
        .where(Booking.status.in_((BOOKED, ATTENDED)),
               VisitSlot.ends_at <= now - FEEDBACK_AFTER,
               VisitSlot.ends_at > now - FEEDBACK_UNTIL)).all()
    written = sum(1 for booking in bookings if text_about_booking(
        uow, clock, booking, "feedback_request", "sms_feedback_request"))
    uow.commit()
    return written


def renew_visiting_orders(uow: UnitOfWork, clock: Clock) -> int:
    """On each prisoner's renewal date the balance comes back up to their allowance and the next
    date is set. A renewal missed for weeks is made once. Returns prisoners renewed."""
    session = uow.session
    today = local_today(clock)
    due = session.execute(select(Prisoner.id, Prisoner.vo_renewal_date).where(
        Prisoner.vo_renewal_date <= today)).all()
    renewed = 0
    for prisoner_id, renewal_date in due:
        next_date = renewal_date
        while next_date <= today:
            next_date += RENEWAL_PERIOD
        prisoner = session.get(Prisoner, prisoner_id)
        before = prisoner.vo_balance
        changed = session.execute(
            update(Prisoner).where(Prisoner.id == prisoner_id,
                                   Prisoner.vo_renewal_date == renewal_date)
            .values(vo_balance=_renewed_balance(prisoner), vo_renewal_date=next_date)
            .execution_options(synchronize_session=False)).rowcount
        if changed:
            session.refresh(prisoner)
            record(session, clock, SYSTEM, "prisoner", prisoner_id, "visiting_orders_renewed",
                   before={"vo_balance": before, "vo_renewal_date": renewal_date},
                   after={"vo_balance": prisoner.vo_balance, "vo_renewal_date": next_date})
            renewed += 1
    uow.commit()
    return renewed


def _renewed_balance(prisoner: Prisoner):
    # Unused orders are kept; the balance never falls below the allowance at renewal.
    return max(prisoner.vo_balance, prisoner.vo_allowance)


def review_cut_off(visit_day: date) -> datetime:
    """Staff must decide a request by noon the day before the visit."""
    return at_local(visit_day - timedelta(days=1), REVIEW_CUT_OFF)


def reject_unreviewed_requests(uow: UnitOfWork, clock: Clock) -> int:
    """Requests staff did not decide by their cut-off are rejected, the visitor told why, and
    the place released (and offered to the waiting list). Returns requests rejected."""
    session = uow.session
    candidates = session.execute(
        select(Booking.id, VisitSlot.date).join(VisitSlot, VisitSlot.id == Booking.slot_id)
        .where(Booking.status == REQUESTED,
               VisitSlot.date <= local_today(clock) + timedelta(days=1))).all()
    rejected = 0
    for booking_id, day in candidates:
        if review_cut_off(day) > clock.now():
            continue
        booking = session.get(Booking, booking_id)
        reason = catalogue.render("request_not_reviewed", booking.lead_visitor.language)
        try:
            reject_request(uow, clock, booking_id=booking_id, actor=SYSTEM, reason=reason)
            rejected += 1
        except Refused:
            uow.rollback()     # decided meanwhile by staff: nothing to do
    return rejected


@dataclass(frozen=True)
class VisitsListLine:
    starts_at: datetime
    reference: str
    prisoner: str
    location: str
    closed: bool
    visitors: list[dict]
    support_needs: str
    status: str


def visits_list(session, prison_id: int, day: date) -> list[VisitsListLine]:
    """Who is coming to one prison on one day, session by session (spec row 4)."""
    bookings = session.scalars(
        select(Booking).join(VisitSlot, VisitSlot.id == Booking.slot_id)
        .where(Booking.prison_id == prison_id, VisitSlot.date == day,
               Booking.status.in_((BOOKED, REQUESTED, ATTENDED)))
        .order_by(VisitSlot.starts_at, Booking.id)).all()
    return [VisitsListLine(
        starts_at=b.slot.starts_at, reference=b.reference, prisoner=b.prisoner.name,
        location=b.prisoner.location, closed=b.closed, support_needs=b.support_needs,
        status=b.status,
        visitors=[{"name": m.visitor.name, "date_of_birth": m.visitor.date_of_birth.isoformat(),
                   "relationship": m.relationship_to_prisoner, "id_status": m.visitor.id_status,
                   "flags": _flags(m.visitor)} for m in b.party]) for b in bookings]


def prepare_visits_lists(uow: UnitOfWork, clock: Clock) -> dict[str, int]:
    """Each morning: tomorrow's visits list per prison, counted in the audit log, and visit
    slots made up to the end of the booking window. Returns visits per prison code."""
    session = uow.session
    tomorrow = local_today(clock) + timedelta(days=1)
    counts = {}
    for prison in session.scalars(select(Prison).order_by(Prison.id)):
        ensure_visit_slots(session, prison, clock)
        lines = visits_list(session, prison.id, tomorrow)
        counts[prison.code] = len(lines)
        record(session, clock, SYSTEM, "prison", prison.id, "visits_list_prepared",
               after={"day": tomorrow, "visits": len(lines),
                      "visitors": sum(len(line.visitors) for line in lines)})
    uow.commit()
    return counts


def _flags(visitor) -> list[str]:
    flags = []
    if visitor.public_protection_flag:
        flags.append("public protection")
    if visitor.restriction_under_review:
        flags.append("restriction under review")
    if visitor.closed_visits_only:
        flags.append("closed visits only")
    return flags
