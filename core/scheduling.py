"""What the scheduler does, as use cases over the database (the source of truth): feedback
requests after a visit, visiting-order renewals, requests not reviewed by their cut-off, the
next day's visits lists. Each is safe to run twice: a guarded UPDATE, a text's dedupe key or
an audit entry read under a row lock lets only one run change anything. Retention is in
core.retention."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from . import catalogue
from .actor import Actor
from .audit import record
from .clock import Clock, at_local, local_today
from .delivery_rules import ASKED_FOR_FEEDBACK, FEEDBACK_REQUEST
from .entitlement import visiting_order_allowance
from .errors import Refused
from .models import (REQUESTED, AuditEvent, Booking, OutboundMessage, Prison, Prisoner,
                     VisitSlot)
from .outbox import text_about_booking
from .requests import reject_request
from .uow import UnitOfWork
from .visits_list import visits_list

SYSTEM = Actor.system()
FEEDBACK_AFTER = timedelta(hours=1)     # after the visit ends
FEEDBACK_UNTIL = timedelta(days=3)      # a visit older than this is not asked about
RENEWAL_PERIOD = timedelta(days=28)     # statutory minimum: 2 visits per 4 weeks
REVIEW_CUT_OFF = time(12, 0)            # the day before the visit, as for booking notice


def request_feedback(uow: UnitOfWork, clock: Clock) -> int:
    """One text per visit that has ended, asking for a 1-5 rating. Returns texts written."""
    ended_after, ended_by = feedback_window(clock.now())
    # A visit recorded as a no-show (core.attendance) is not asked: the party never came.
    bookings = uow.session.scalars(
        select(Booking).join(VisitSlot, VisitSlot.id == Booking.slot_id)
        .where(Booking.status.in_(ASKED_FOR_FEEDBACK),
               VisitSlot.ends_at <= ended_by, VisitSlot.ends_at > ended_after)).all()
    written = sum(1 for booking in bookings if write_feedback_request(uow, clock, booking))
    uow.commit()
    return written


def feedback_window(now: datetime) -> tuple[datetime, datetime]:
    """Visits that ended after the first and by the second are asked about now."""
    return now - FEEDBACK_UNTIL, now - FEEDBACK_AFTER


def write_feedback_request(uow: UnitOfWork, clock: Clock, booking: Booking, *,
                           suffix: str = "") -> OutboundMessage | None:
    """The text asking this visit's lead visitor for a rating (once per suffix: dedupe key)."""
    return text_about_booking(uow, clock, booking, FEEDBACK_REQUEST, "sms_feedback_request",
                              suffix=suffix)


def renew_visiting_orders(uow: UnitOfWork, clock: Clock) -> int:
    """On each prisoner's renewal date the balance comes back up to their allowance (their
    prison's figure for their incentive level on that day, or their own: core.entitlement) and
    the next date is set. A renewal missed for weeks is made once. Returns prisoners renewed."""
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


def _renewed_balance(prisoner: Prisoner) -> int:
    # Unused orders are kept (a prisoner moved down a level loses no order already given); the
    # balance never falls below the allowance at renewal.
    return max(prisoner.vo_balance, visiting_order_allowance(prisoner))


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


def prepare_visits_lists(uow: UnitOfWork, clock: Clock) -> dict[str, int]:
    """Each morning: tomorrow's visits list per prison (core.visits_list; making the visit
    slots up to the end of the booking window), counted in the audit log. Once a day: run again,
    it does nothing (the audit entry is the guard, read with the prison's row locked). Returns
    the visits per prison code of the lists this run prepared."""
    session = uow.session
    tomorrow = local_today(clock) + timedelta(days=1)
    counts = {}
    for prison in session.scalars(select(Prison).order_by(Prison.id).with_for_update()):
        if _list_prepared(session, clock, prison.id, tomorrow):
            continue
        visits = [visit for listed in visits_list(session, clock, prison=prison, day=tomorrow)
                  for visit in listed.visits]
        counts[prison.code] = len(visits)
        record(session, clock, SYSTEM, "prison", prison.id, "visits_list_prepared",
               after={"day": tomorrow, "visits": len(visits),
                      "visitors": sum(len(visit.visitors) for visit in visits)})
    uow.commit()
    return counts


def _list_prepared(session, clock: Clock, prison_id: int, day: date) -> bool:
    recent = session.scalars(select(AuditEvent.after).where(
        AuditEvent.entity == "prison", AuditEvent.entity_id == prison_id,
        AuditEvent.action == "visits_list_prepared",
        AuditEvent.at > clock.now() - timedelta(days=2)))
    return any((after or {}).get("day") == day.isoformat() for after in recent)
