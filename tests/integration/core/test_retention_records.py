"""Retention reaches every record that holds a visitor's personal data, not only the visitor and
their texts: audit snapshots, escalations, feedback comments, prisoner notices, identification
attempts and call progress older than the retention period. Nothing younger is touched."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.actor import Actor
from core.audit import record
from core.models import (AuditEvent, CallState, CallStepReply, Escalation, Feedback,
                         IdentificationAttempt, PrisonerNotice)
from core.retention import anonymise_expired_data
from tests.support.factories import create_visitor

RETENTION_DAYS = 365 * 7


def _anonymise(uow_factory, clock):
    with uow_factory() as uow:
        return anonymise_expired_data(uow, clock, retention_days=RETENTION_DAYS)


def _records_at(session, world, at: datetime, tag: str) -> None:
    session.add(Escalation(kind="callback", from_phone="+447400555111", visitor_id=world.lead.id,
                           prison_id=world.prison.id, reason=f"call me {tag}",
                           recording_url=f"https://api.twilio.com/rec/{tag}",
                           outcome=f"spoke to Sam {tag}", created_at=at))
    session.add(Feedback(prison_id=world.prison.id, visitor_id=world.lead.id, rating=4,
                         comment=f"lovely staff {tag}", channel="sms", created_at=at))
    session.add(PrisonerNotice(prison_id=world.prison.id, prisoner_id=world.prisoner.id,
                               text=f"Sam Turner is not coming {tag}", created_at=at))
    session.add(IdentificationAttempt(visitor_id=world.lead.id, at=at, succeeded=False))
    session.add(CallState(call_sid=f"CA{tag}", from_phone="+447400555111",
                          data={"name": "Sam"}, created_at=at, updated_at=at))
    session.add(CallStepReply(call_sid=f"CA{tag}", step_key="welcome", reply="<Response/>",
                              created_at=at))
    session.commit()


def test_records_older_than_the_period_lose_their_personal_data_younger_ones_keep_it(
        backend, session, uow_factory, clock, world):
    _records_at(session, world, clock.now() - timedelta(days=RETENTION_DAYS + 1), "old")
    _records_at(session, world, clock.now() - timedelta(days=RETENTION_DAYS - 1), "young")

    result = _anonymise(uow_factory, clock)

    assert result.records == 6
    old_escalation, young_escalation = session.scalars(
        select(Escalation).order_by(Escalation.created_at)).all()
    assert (old_escalation.from_phone, old_escalation.recording_url, old_escalation.outcome,
            old_escalation.reason) == ("", "", "", "")
    assert young_escalation.outcome == "spoke to Sam young"
    assert [f.comment for f in session.scalars(select(Feedback).order_by(Feedback.created_at))] \
        == ["", "lovely staff young"]
    assert [n.text for n in session.scalars(
        select(PrisonerNotice).order_by(PrisonerNotice.created_at))] \
        == ["", "Sam Turner is not coming young"]
    assert session.scalar(select(func.count(IdentificationAttempt.id))) == 1
    assert session.scalars(select(CallState.call_sid)).all() == ["CAyoung"]
    assert session.scalars(select(CallStepReply.call_sid)).all() == ["CAyoung"]
    assert _anonymise(uow_factory, clock).records == 0


def test_an_anonymised_visitors_audit_entries_keep_which_fields_but_not_their_values(
        backend, session, uow_factory, clock, world):
    long_ago = clock.now() - timedelta(days=RETENTION_DAYS + 30)
    old = create_visitor(session, first_name="Olga", last_name="Petrova",
                         phone="+447400999002", created_at=long_ago)
    record(session, clock, Actor.system(), "visitor", old.id, "registered",
           after={"first_name": "Olga", "last_name": "Petrova", "phone": "+447400999002"})
    record(session, clock, Actor.system(), "visitor", world.lead.id, "registered",
           after={"first_name": world.lead.first_name})
    session.commit()

    assert _anonymise(uow_factory, clock).visitors == 1

    session.expire_all()
    registered = session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "visitor", AuditEvent.entity_id == old.id,
        AuditEvent.action == "registered")).one()
    assert registered.after == {"first_name": "(anonymised)", "last_name": "(anonymised)",
                                "phone": "(anonymised)"}
    kept = session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "visitor", AuditEvent.entity_id == world.lead.id)).one()
    assert kept.after == {"first_name": world.lead.first_name}
