"""Retention (spec row 5): identities are kept for the retention period (settings.retention_days,
default 7 years), then anonymised: a visitor's personal data once they have been on no booking,
waiting list or text within it, and the bodies and numbers of texts older than it that belong to
no booking within it. Older than the period too: callers' numbers, recordings and notes on
escalations, feedback comments, prisoner notices' wording, identification attempts and call
progress. Bookings and the audit log stay, but an anonymised visitor's audit entries keep only
which fields changed, not their values; what retention did is recorded there.
Nothing younger than the period is touched. Safe to run twice."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select, update

from .actor import Actor
from .audit import record
from .clock import Clock
from .models import (AuditEvent, Booking, BookingVisitor, CallState, CallStepReply, Escalation,
                     Feedback, IdentificationAttempt, InboundMessage, OutboundMessage,
                     PrisonerNotice, Visitor, VisitSlot, WaitingListEntry)
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
    records: int = 0     # escalations, feedback, notices, attempts and call progress


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
    records = _blank_records(session, cut_off)
    result = Anonymised(cut_off, len(visitor_ids), outbound, inbound, records)
    if visitor_ids or outbound or inbound or records:
        record(session, clock, SYSTEM, "retention", 0, "anonymised",
               after={"cut_off": cut_off, "visitors": len(visitor_ids),
                      "outbound_messages": outbound, "inbound_messages": inbound,
                      "other_records": records})
    uow.commit()
    return result


def _anonymise_visitor(session, clock: Clock, visitor_id: int) -> None:
    session.execute(update(Visitor).where(Visitor.id == visitor_id).values(
        first_name=ANONYMISED_NAME, last_name="", date_of_birth=ANONYMISED_BIRTH, phone=None,
        pin_hash=None, external_ref=None, ban_reason="", support_needs="",
        anonymised_at=clock.now()).execution_options(synchronize_session=False))
    _blank_audit_values(session, visitor_id)
    # The audit entry names the visitor by id only: it must not keep what was removed.
    record(session, clock, SYSTEM, "visitor", visitor_id, "anonymised")


def _blank_audit_values(session, visitor_id: int) -> None:
    """The visitor's own audit entries (registered, changed, ...) held their details: keep
    which fields, drop what they were. A direct UPDATE: the ORM keeps the log append-only."""
    events = session.execute(select(AuditEvent.id, AuditEvent.before, AuditEvent.after).where(
        AuditEvent.entity == "visitor", AuditEvent.entity_id == visitor_id))
    for event_id, before, after in events.all():
        session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(
            before=_fields_only(before), after=_fields_only(after))
            .execution_options(synchronize_session=False))


def _fields_only(values: dict | None) -> dict | None:
    return None if values is None else {key: "(anonymised)" for key in values}


def _blank_records(session, cut_off: datetime) -> int:
    changed = 0
    for statement in (
        update(Escalation).where(Escalation.created_at < cut_off, Escalation.from_phone != "")
        .values(from_phone="", recording_url="", outcome="", reason=""),
        update(Feedback).where(Feedback.created_at < cut_off, Feedback.comment != "")
        .values(comment=""),
        update(PrisonerNotice).where(PrisonerNotice.created_at < cut_off,
                                     PrisonerNotice.text != "").values(text=""),
        delete(IdentificationAttempt).where(IdentificationAttempt.at < cut_off),
        delete(CallStepReply).where(CallStepReply.created_at < cut_off),
        delete(CallState).where(CallState.created_at < cut_off),
    ):
        changed += session.execute(
            statement.execution_options(synchronize_session=False)).rowcount
    return changed


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
