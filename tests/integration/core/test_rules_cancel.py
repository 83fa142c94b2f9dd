"""Cancelling: visitors before the visit starts, staff after (with a reason); the place is free at
once, the VO given back, the prisoner informed, reminders withdrawn; a second cancel is a no-op."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.cancel import cancel_booking
from core.models import (CANCELLED, WITHDRAWN, AuditEvent, Booking, OutboundMessage, Prisoner,
                         PrisonerNotice, VisitSlot)
from tests.support.factories import approve, create_prisoner, create_visitor

from .helpers import (STAFF, THU_10_DEC, as_visitor, audit_actions, book, messages, notices,
                      refusal, reread, slot_on)


@pytest.fixture
def booked(session, uow_factory, clock, world):
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    return book(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                visitors=[world.lead, world.child])


def _cancel(uow_factory, clock, booking, actor, reason=""):
    with uow_factory() as uow:
        return cancel_booking(uow, clock, booking_id=booking.id, actor=actor, reason=reason)


def test_a_visitor_can_cancel_a_visit_that_has_not_started(backend, session, uow_factory, clock,
                                                           world, booked):
    result = _cancel(uow_factory, clock, booked, as_visitor(world.lead, "sms"))
    assert (result.changed, result.status) == (True, CANCELLED)
    assert reread(session, booked).status == CANCELLED
    assert [m.kind for m in messages(session, booking_id=booked.id, kind="cancellation")] == \
        ["cancellation"]


def test_a_visitor_cannot_cancel_a_visit_that_has_started(backend, session, uow_factory, clock,
                                                          world, booked):
    clock.set(reread(session, booked).slot.starts_at)
    refused = refusal(_cancel, uow_factory, clock, booked, as_visitor(world.lead))
    assert refused.reason == "too_late_to_cancel"
    assert reread(session, booked).status == "booked"


def test_staff_can_cancel_a_past_visit_recording_why(backend, session, uow_factory, clock, world,
                                                     booked):
    clock.set(reread(session, booked).slot.ends_at)
    result = _cancel(uow_factory, clock, booked, STAFF, reason="visits hall flooded")
    booking = reread(session, booked)
    assert (result.changed, booking.status) == (True, CANCELLED)
    assert (booking.decided_by, booking.decision_reason) == ("staff:1", "visits hall flooded")


def test_staff_must_say_why_they_cancel_a_visit_that_has_started(backend, session, uow_factory,
                                                                  clock, world, booked):
    clock.set(reread(session, booked).slot.starts_at)
    refused = refusal(_cancel, uow_factory, clock, booked, STAFF, reason="  ")
    assert refused.reason == "cancel_reason_needed"
    assert reread(session, booked).status == "booked"


def test_staff_may_cancel_a_future_visit_without_a_reason(backend, session, uow_factory, clock,
                                                          world, booked):
    assert _cancel(uow_factory, clock, booked, STAFF).changed is True


def test_cancelling_a_request_makes_it_withdrawn(backend, session, uow_factory, clock, world):
    world.lead.public_protection_flag = True
    session.commit()
    request = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert request.status == "requested"
    result = _cancel(uow_factory, clock, request, as_visitor(world.lead))
    assert result.status == WITHDRAWN
    assert reread(session, request).status == WITHDRAWN


def test_cancelling_gives_the_visiting_order_back(backend, session, uow_factory, clock, world,
                                                  booked):
    assert reread(session, world.prisoner).vo_balance == 1
    _cancel(uow_factory, clock, booked, as_visitor(world.lead))
    assert reread(session, world.prisoner).vo_balance == 2


def test_a_cancelled_place_is_free_for_the_next_caller_at_once(backend, session, uow_factory,
                                                               clock, world):
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    slot.open_tables = 1
    session.commit()
    first = book(uow_factory, clock, slot=slot, prisoner=world.prisoner, visitors=[world.lead])
    _cancel(uow_factory, clock, first, as_visitor(world.lead))
    assert reread(session, slot).open_taken == 0
    other = create_prisoner(session, world.prison, number="F6666GH")
    visitor = create_visitor(session, first_name="Ned")
    approve(session, other, visitor)
    session.commit()
    assert book(uow_factory, clock, slot=slot, prisoner=other,
                visitors=[visitor]).status == "booked"


def test_the_prisoner_is_informed_of_a_cancellation(backend, session, uow_factory, clock, world,
                                                    booked):
    _cancel(uow_factory, clock, booked, as_visitor(world.lead))
    [notice] = notices(session, booked.id)
    assert (notice.prisoner_id, notice.location) == (world.prisoner.id, "B-2-014")
    assert notice.text == ("Your visit on Thursday 10 December at 14:00 with Sam Turner and "
                           "Mia Turner has been cancelled (by the visitor).")
    assert notice.delivered_at is None  # staff record delivery


def test_the_prisoner_is_told_why_staff_cancelled(backend, session, uow_factory, clock, world,
                                                  booked):
    _cancel(uow_factory, clock, booked, STAFF, reason="lockdown")
    [notice] = notices(session, booked.id)
    assert notice.text.endswith("(by staff: lockdown).")


def test_a_second_cancel_changes_nothing_and_sends_nothing(backend, session, uow_factory, clock,
                                                           world, booked, notifier):
    _cancel(uow_factory, clock, booked, as_visitor(world.lead))
    before, handed_to_sender = _everything(session), list(notifier.ready)
    result = _cancel(uow_factory, clock, booked, as_visitor(world.lead, "sms"))
    assert (result.changed, result.status) == (False, CANCELLED)
    assert _everything(session) == before
    assert notifier.ready == handed_to_sender


def test_cancelling_withdraws_the_scheduled_reminders(backend, session, uow_factory, clock,
                                                      world, booked):
    reminders = messages(session, booking_id=booked.id, kind="reminder")
    assert [m.status for m in reminders] == ["scheduled", "scheduled"]
    _cancel(uow_factory, clock, booked, as_visitor(world.lead))
    reminders = messages(session, booking_id=booked.id, kind="reminder")
    assert [m.status for m in reminders] == ["withdrawn", "withdrawn"]


def test_a_cancellation_is_audited_with_who_and_how(backend, session, uow_factory, clock, world,
                                                    booked):
    _cancel(uow_factory, clock, booked, as_visitor(world.lead, "sms"))
    assert audit_actions(session, "booking", booked.id) == ["booked", "cancelled"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == booked.id,
                                                     AuditEvent.action == "cancelled")).one()
    assert (event.actor, event.channel) == (f"visitor:{world.lead.id}", "sms")
    assert (event.before, event.after) == ({"status": "booked"},
                                           {"status": "cancelled", "reason": ""})


def _everything(session):
    """What a cancel could change: texts and their states, notices, audit, tables, VOs."""
    session.expire_all()
    rows = lambda *columns: sorted(session.execute(select(*columns)).all())  # noqa: E731
    return (rows(OutboundMessage.id, OutboundMessage.status), rows(PrisonerNotice.id),
            rows(AuditEvent.id), rows(VisitSlot.id, VisitSlot.open_taken),
            rows(Prisoner.id, Prisoner.vo_balance), rows(Booking.id, Booking.status))
