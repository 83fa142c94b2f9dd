"""Closures (a date, one session on a date, or a range: lockdowns, holidays). Staff first see
the bookings a closure would end; once they confirm, the sessions close and those bookings are
cancelled (requests rejected) in the same transaction, each visitor texted through the outbox
and each prisoner told on the wing's list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .audit import record, snapshot
from .cancel import end_booking
from .clock import Clock, local_today
from .models import (ACTIVE_STATES, BOOKED, CANCELLED, REJECTED, Booking, Closure, Prison,
                     SessionTemplate, VisitSlot)
from .outbox import text_about_booking
from .slots import apply_closure, ensure_visit_slots
from .staff import Access, Invalid
from .uow import UnitOfWork


@dataclass(frozen=True)
class ClosurePlan:
    prison_id: int
    first_date: date
    last_date: date
    template_id: int | None
    reason: str


@dataclass(frozen=True)
class ClosureDone:
    closure_id: int
    slots_closed: int
    bookings_ended: list[str]


def plan_closure(session, clock: Clock, access: Access, *, prison: Prison,
                 first_date: date | None, last_date: date | None, template_id: int | None,
                 reason: str) -> ClosurePlan:
    """Checks the closure; raises Invalid with what to correct."""
    access.check_admin()
    if first_date is None:
        raise Invalid("Give the first date of the closure.", "first_date")
    last_date = last_date or first_date
    if first_date < local_today(clock):
        raise Invalid("A closure cannot start in the past.", "first_date")
    if last_date < first_date:
        raise Invalid("The last date must be on or after the first date.", "last_date")
    if (last_date - first_date).days > 366:
        raise Invalid("A closure can be at most a year long.", "last_date")
    if template_id is not None:
        template = session.get(SessionTemplate, template_id)
        if template is None or template.prison_id != prison.id:
            raise Invalid("Choose one of this prison's sessions.", "template_id")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise Invalid("Give the reason for the closure (up to 200 letters); visitors are "
                      "told it.", "reason")
    return ClosurePlan(prison.id, first_date, last_date, template_id, reason)


def affected_bookings(session, clock: Clock, plan: ClosurePlan) -> list[Booking]:
    """The booked and requested visits the closure would end, soonest first."""
    prison = session.get(Prison, plan.prison_id)
    ensure_visit_slots(session, prison, clock)
    query = (select(Booking).join(VisitSlot, VisitSlot.id == Booking.slot_id)
             .where(Booking.prison_id == plan.prison_id, Booking.status.in_(ACTIVE_STATES),
                    VisitSlot.date >= plan.first_date, VisitSlot.date <= plan.last_date)
             .order_by(VisitSlot.starts_at, Booking.id))
    if plan.template_id is not None:
        query = query.where(VisitSlot.template_id == plan.template_id)
    return list(session.scalars(query))


def add_closure(uow: UnitOfWork, clock: Clock, access: Access, plan: ClosurePlan) -> ClosureDone:
    session = uow.session
    access.check_admin()
    affected = affected_bookings(session, clock, plan)
    closure = Closure(prison_id=plan.prison_id, first_date=plan.first_date,
                      last_date=plan.last_date, template_id=plan.template_id, reason=plan.reason)
    session.add(closure)
    session.flush()
    slot_ids = apply_closure(session, closure)
    record(session, clock, access.actor, "prison", plan.prison_id, "closure_added",
           after=snapshot(closure) | {"slots": len(slot_ids), "bookings": len(affected)})
    ended = [b.reference for b in affected if _end(uow, clock, access, b, plan.reason)]
    uow.commit()
    return ClosureDone(closure.id, len(slot_ids), ended)


def _end(uow: UnitOfWork, clock: Clock, access: Access, booking: Booking, reason: str) -> bool:
    was_booked = booking.status == BOOKED
    why = f"closed: {reason}"
    if not end_booking(uow, clock, booking, CANCELLED if was_booked else REJECTED,
                       access.actor, why):
        return False
    text_about_booking(uow, clock, booking, "closure", "sms_cancelled_closure", reason=reason)
    return True


def closures_for(session, prison_id: int, clock: Clock) -> list[Closure]:
    return list(session.scalars(select(Closure).where(
        Closure.prison_id == prison_id, Closure.last_date >= local_today(clock))
        .order_by(Closure.first_date)))

