"""Attendance: staff record that a booked visit's party came or did not, once the session has
started; a no-show keeps its visiting order used and is not asked for feedback."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.actor import Actor
from core.attendance import record_attendance
from core.cancel import cancel_booking
from core.models import ATTENDED, BOOKED, CANCELLED, NO_SHOW, AuditEvent
from core.scheduling import request_feedback

from .helpers import (STAFF, THU_3_DEC, audit_actions, book, messages, refusal, reread,
                      slot_on)


@pytest.fixture
def booked(session, uow_factory, clock, world):
    return book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
                prisoner=world.prisoner, visitors=[world.lead])


def _record(uow_factory, clock, booking, outcome, actor=STAFF):
    with uow_factory() as uow:
        return record_attendance(uow, clock, booking_id=booking.id, outcome=outcome,
                                 actor=actor)


def _session_started(session, clock, booking):
    clock.set(reread(session, booking).slot.starts_at)


def test_a_booked_visit_is_recorded_as_attended_once_its_session_starts(
        backend, session, uow_factory, clock, booked):
    _session_started(session, clock, booked)
    result = _record(uow_factory, clock, booked, ATTENDED)
    assert (result.changed, result.status) == (True, ATTENDED)
    assert reread(session, booked).status == ATTENDED
    assert audit_actions(session, "booking", booked.id)[-1] == ATTENDED


def test_attendance_cannot_be_recorded_before_the_session_starts(backend, session, uow_factory,
                                                                 clock, booked):
    clock.set(reread(session, booked).slot.starts_at - timedelta(minutes=1))
    refused = refusal(_record, uow_factory, clock, booked, NO_SHOW)
    assert refused.reason == "attendance_too_early"
    assert reread(session, booked).status == BOOKED


def test_recording_attendance_twice_changes_nothing_the_second_time(backend, session,
                                                                    uow_factory, clock, booked):
    _session_started(session, clock, booked)
    _record(uow_factory, clock, booked, NO_SHOW)
    again = _record(uow_factory, clock, booked, NO_SHOW)
    assert (again.changed, again.status) == (False, NO_SHOW)
    assert audit_actions(session, "booking", booked.id).count(NO_SHOW) == 1


def test_only_a_booked_visit_can_be_recorded(backend, session, uow_factory, clock, booked):
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=booked.id, actor=STAFF)
    _session_started(session, clock, booked)
    assert refusal(_record, uow_factory, clock, booked, ATTENDED).reason == \
        "attendance_not_booked"
    assert reread(session, booked).status == CANCELLED


def test_an_attended_visit_is_not_then_recorded_as_a_no_show(backend, session, uow_factory,
                                                             clock, booked):
    _session_started(session, clock, booked)
    _record(uow_factory, clock, booked, ATTENDED)
    assert refusal(_record, uow_factory, clock, booked, NO_SHOW).reason == \
        "attendance_not_booked"


def test_only_staff_record_attendance(backend, session, uow_factory, clock, world, booked):
    _session_started(session, clock, booked)
    refused = refusal(_record, uow_factory, clock, booked, ATTENDED,
                      Actor.visitor(world.lead.id, "sms"))
    assert refused.reason == "attendance_staff_only"


def test_attendance_is_audited_with_the_staff_member(backend, session, uow_factory, clock,
                                                     booked):
    _session_started(session, clock, booked)
    _record(uow_factory, clock, booked, NO_SHOW, Actor.staff(7))
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "booking", AuditEvent.entity_id == booked.id,
        AuditEvent.action == NO_SHOW)).one()
    assert (event.actor, event.channel, event.before, event.after) == \
        ("staff:7", "admin", {"status": BOOKED}, {"status": NO_SHOW})


def test_a_no_show_keeps_the_visiting_order_used(backend, session, uow_factory, clock, world,
                                                 booked):
    balance_after_booking = reread(session, world.prisoner).vo_balance
    assert reread(session, booked).uses_vo
    _session_started(session, clock, booked)
    _record(uow_factory, clock, booked, NO_SHOW)
    assert reread(session, world.prisoner).vo_balance == balance_after_booking


def test_a_no_show_is_not_asked_for_feedback(backend, session, uow_factory, clock, booked):
    _session_started(session, clock, booked)
    _record(uow_factory, clock, booked, NO_SHOW)
    clock.set(reread(session, booked).slot.ends_at + timedelta(hours=1))
    with uow_factory() as uow:
        assert request_feedback(uow, clock) == 0
    assert messages(session, kind="feedback_request") == []


def test_an_attended_visit_is_asked_for_feedback(backend, session, uow_factory, clock, booked):
    _session_started(session, clock, booked)
    _record(uow_factory, clock, booked, ATTENDED)
    clock.set(reread(session, booked).slot.ends_at + timedelta(hours=1))
    with uow_factory() as uow:
        assert request_feedback(uow, clock) == 1
