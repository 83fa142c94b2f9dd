"""Visitor records kept by staff: registering a visitor, the approved visitor list, bans,
public-protection flags, PINs and phone lockouts. Every change is in the audit log.

Which visitors a member of staff may see: those on the approved list of a prisoner at one of
their prisons, those in a booking at one of their prisons, and anyone linked to no prisoner
yet (just registered, or a professional), so they can be added to a list.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, or_, select

from .actor import Actor
from .audit import record, snapshot
from .clock import Clock, local_today
from .identify import reset_lockout
from .models import ApprovedVisitor, AuditEvent, Booking, BookingVisitor, Prisoner, Visitor
from .phones import to_e164
from .ports import PinHasher
from .rules import INDEFINITE
from .staff import Access, Invalid, NotAllowed
from .uow import UnitOfWork

ID_STATUSES = ("unchecked", "checked")
PROFESSIONAL_ROLES = ("solicitor", "probation", "other")
PIN = re.compile(r"^\d{4}$")


def linked_to(visitor_id, prison_ids: set[int] | frozenset[int] | None):
    """Whether the visitor (an id, or a column to correlate with) is on the approved list of a
    prisoner at one of these prisons, or in a booking at one (at any prison: None)."""
    def at(column):
        return column.is_not(None) if prison_ids is None else column.in_(prison_ids or {-1})
    approved = select(ApprovedVisitor.id).join(
        Prisoner, ApprovedVisitor.prisoner_id == Prisoner.id).where(
        ApprovedVisitor.visitor_id == visitor_id, at(Prisoner.prison_id))
    booked = select(BookingVisitor.id).join(
        Booking, BookingVisitor.booking_id == Booking.id).where(
        BookingVisitor.visitor_id == visitor_id, at(Booking.prison_id))
    return or_(approved.exists(), booked.exists())


def can_see_visitor(session, access: Access, visitor_id: int) -> bool:
    if access.sees_every_prison():
        return True
    return bool(session.scalar(select(or_(~linked_to(visitor_id, None),
                                          linked_to(visitor_id, access.prison_ids)))))


def get_visitor_for(session, access: Access, visitor_id: int) -> Visitor:
    visitor = session.get(Visitor, visitor_id)
    if visitor is None or not can_see_visitor(session, access, visitor_id):
        raise NotAllowed("no such visitor for you")
    return visitor


def search_visitors(session, access: Access, text: str, limit: int = 50) -> list[Visitor]:
    text = (text or "").strip()
    if len(text) < 2:
        return []
    phone = to_e164(text)
    like = f"%{text.lower()}%"
    query = select(Visitor).where(Visitor.anonymised_at.is_(None), or_(
        func.lower(Visitor.first_name + " " + Visitor.last_name).like(like),
        Visitor.phone == (phone or text))).order_by(Visitor.last_name, Visitor.first_name)
    found = session.scalars(query.limit(limit * 4)).all()
    return [v for v in found if can_see_visitor(session, access, v.id)][:limit]


def register_visitor(uow: UnitOfWork, clock: Clock, hasher: PinHasher, *, first_name: str,
                     last_name: str, date_of_birth: date | None, phone: str, id_checked: bool,
                     professional_role: str = "", support_needs: str = "", language: str = "en",
                     pin: str = "", actor: Actor) -> Visitor:
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if not first or not last or len(first) > 80 or len(last) > 80:
        raise Invalid("Give the visitor's first and last names (up to 80 letters each).",
                      "first_name")
    _check_birth_date(clock, date_of_birth)
    e164 = None
    if (phone or "").strip():
        e164 = to_e164(phone)
        if e164 is None:
            raise Invalid("That phone number is not a valid number.", "phone")
    if professional_role and professional_role not in PROFESSIONAL_ROLES:
        raise Invalid("Choose solicitor, probation or other.", "professional_role")
    if pin and not PIN.match(pin):
        raise Invalid("A PIN is 4 digits.", "pin")
    if language not in ("en", "cy"):
        raise Invalid("Choose English or Welsh.", "language")
    visitor = Visitor(first_name=first, last_name=last, date_of_birth=date_of_birth, phone=e164,
                      id_status="checked" if id_checked else "unchecked",
                      professional_role=professional_role or None,
                      support_needs=(support_needs or "").strip()[:200], language=language,
                      pin_hash=hasher.hash(pin) if pin else None, created_at=clock.now())
    uow.session.add(visitor)
    uow.session.flush()
    record(uow.session, clock, actor, "visitor", visitor.id, "registered",
           after=snapshot(visitor))
    uow.commit()
    return visitor


def _check_birth_date(clock: Clock, born: date | None) -> None:
    if born is None:
        raise Invalid("Give the date of birth as day, month and year.", "date_of_birth")
    if born > local_today(clock) or born.year < 1900:
        raise Invalid("That date of birth is not possible.", "date_of_birth")


def approve_for_prisoner(uow: UnitOfWork, clock: Clock, access: Access, *, visitor_id: int,
                         prisoner_number: str, relationship: str) -> ApprovedVisitor:
    session = uow.session
    visitor = get_visitor_for(session, access, visitor_id)
    prisoner = session.scalar(select(Prisoner).where(
        Prisoner.number == (prisoner_number or "").strip().upper()))
    if prisoner is None or not access.can_see(prisoner.prison_id):
        raise Invalid("There is no prisoner with that number at your prisons.",
                      "prisoner_number")
    relationship = (relationship or "").strip()
    if not relationship or len(relationship) > 40:
        raise Invalid("Say how the visitor is related to the prisoner (up to 40 letters).",
                      "relationship")
    link = session.scalar(select(ApprovedVisitor).where(
        ApprovedVisitor.prisoner_id == prisoner.id, ApprovedVisitor.visitor_id == visitor.id))
    before = snapshot(link, "relationship_to_prisoner", "approved") if link else None
    if link is None:
        link = ApprovedVisitor(prisoner_id=prisoner.id, visitor_id=visitor.id,
                               relationship_to_prisoner=relationship, approved=True)
        session.add(link)
    link.relationship_to_prisoner, link.approved = relationship, True
    session.flush()
    record(session, clock, access.actor, "visitor", visitor.id, "approved_for_prisoner",
           before=before, after={"prisoner": prisoner.number, "relationship": relationship})
    uow.commit()
    return link


def ban_visitor(uow: UnitOfWork, clock: Clock, access: Access, *, visitor_id: int,
                until: date | None, indefinitely: bool, reason: str) -> Visitor:
    visitor = get_visitor_for(uow.session, access, visitor_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise Invalid("Give the reason for the ban (up to 200 letters).", "reason")
    if not indefinitely and (until is None or until <= local_today(clock)):
        raise Invalid("A ban ends on a date after today, or is indefinite.", "until")
    return _change(uow, clock, access, visitor, "banned",
                   banned_until=INDEFINITE if indefinitely else until, ban_reason=reason)


def lift_ban(uow: UnitOfWork, clock: Clock, access: Access, *, visitor_id: int) -> Visitor:
    visitor = get_visitor_for(uow.session, access, visitor_id)
    return _change(uow, clock, access, visitor, "ban_lifted", banned_until=None, ban_reason="")


def set_flags(uow: UnitOfWork, clock: Clock, access: Access, *, visitor_id: int,
              public_protection: bool, under_review: bool, closed_only: bool) -> Visitor:
    visitor = get_visitor_for(uow.session, access, visitor_id)
    return _change(uow, clock, access, visitor, "flags_changed",
                   public_protection_flag=public_protection,
                   restriction_under_review=under_review, closed_visits_only=closed_only)


def set_id_status(uow: UnitOfWork, clock: Clock, access: Access, *, visitor_id: int,
                  status: str) -> Visitor:
    if status not in ID_STATUSES:
        raise Invalid("Choose checked or unchecked.", "id_status")
    visitor = get_visitor_for(uow.session, access, visitor_id)
    return _change(uow, clock, access, visitor, "id_status_changed", id_status=status)


def reset_pin(uow: UnitOfWork, clock: Clock, hasher: PinHasher, access: Access, *,
              visitor_id: int, pin: str) -> Visitor:
    if not PIN.match(pin or ""):
        raise Invalid("A PIN is 4 digits.", "pin")
    visitor = get_visitor_for(uow.session, access, visitor_id)
    visitor.pin_hash = hasher.hash(pin)
    record(uow.session, clock, access.actor, "visitor", visitor.id, "pin_reset")
    uow.commit()
    return visitor


def unlock_phone(uow: UnitOfWork, clock: Clock, access: Access, *, visitor_id: int) -> None:
    get_visitor_for(uow.session, access, visitor_id)
    reset_lockout(uow, clock, visitor_id=visitor_id, actor=access.actor)


def _change(uow: UnitOfWork, clock: Clock, access: Access, visitor: Visitor, action: str,
            **values) -> Visitor:
    before = snapshot(visitor, *values)
    for name, value in values.items():
        setattr(visitor, name, value)
    record(uow.session, clock, access.actor, "visitor", visitor.id, action, before=before,
           after=snapshot(visitor, *values))
    uow.commit()
    return visitor


def approved_links(session, access: Access, visitor_id: int) -> list[ApprovedVisitor]:
    links = session.scalars(select(ApprovedVisitor).where(
        ApprovedVisitor.visitor_id == visitor_id).order_by(ApprovedVisitor.id))
    return [link for link in links if access.can_see(link.prisoner.prison_id)]


def audit_log(session, entity: str, entity_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))


def visitor_audit_log(session, access: Access, visitor_id: int) -> list[AuditEvent]:
    """A visitor's audit log as this member of staff may see it: an entry naming a prisoner (an
    approval) only where the approved-links list would show that prisoner, so it never tells
    staff of one prison whom the visitor is approved for at another."""
    log = audit_log(session, "visitor", visitor_id)
    if access.sees_every_prison():
        return log
    named = {number for event in log for number in _prisoners_named(event)}
    visible = set(session.scalars(select(Prisoner.number).where(
        Prisoner.number.in_({n for n in named if isinstance(n, str)}),
        Prisoner.prison_id.in_(access.prison_ids or {-1})))) if named else set()
    return [event for event in log if _prisoners_named(event) <= visible]


def _prisoners_named(event: AuditEvent) -> set:
    return {values["prisoner"] for values in (event.before, event.after)
            if values and "prisoner" in values}
