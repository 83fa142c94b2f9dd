"""Attendance: staff record that a booked visit's party came or did not, once the session has
started; a no-show keeps its visiting order used and is not asked for feedback. Staff correct a
recorded attendance until the end of the day after the visit (or, if it was recorded later, the
end of the day it was recorded), and the feedback request follows the corrected outcome."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from core.actor import Actor
from core.attendance import (ALREADY_SENT, FEEDBACK_WITHDRAWN, WRITTEN, correct_attendance,
                             record_attendance)
from core.cancel import cancel_booking
from core.clock import LONDON
from core.models import ATTENDED, BOOKED, CANCELLED, NO_SHOW, AuditEvent
from core.models.messages import PENDING, SENT, WITHDRAWN
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


# Correcting a recorded attendance (a mis-click: "did not come" for a family that arrived).

def _correct(uow_factory, clock, booking, outcome, actor=STAFF):
    with uow_factory() as uow:
        return correct_attendance(uow, clock, booking_id=booking.id, outcome=outcome,
                                  actor=actor)


def _recorded(session, uow_factory, clock, booking, outcome):
    _session_started(session, clock, booking)
    _record(uow_factory, clock, booking, outcome)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _feedback_due(session, clock, booking):
    clock.set(reread(session, booking).slot.ends_at + timedelta(hours=1))


def _feedback_requests(session):
    return messages(session, kind="feedback_request")


def _sent(session, message):
    message = reread(session, message)
    message.provider_sid, message.status = "SM" + "0" * 32, SENT
    message.sent_at = message.created_at
    session.commit()


@pytest.mark.parametrize("recorded, corrected", [(NO_SHOW, ATTENDED), (ATTENDED, NO_SHOW)])
def test_a_recorded_attendance_is_corrected_either_way(backend, session, uow_factory, clock,
                                                       booked, recorded, corrected):
    _recorded(session, uow_factory, clock, booked, recorded)
    result = _correct(uow_factory, clock, booked, corrected)
    assert (result.changed, result.status) == (True, corrected)
    assert reread(session, booked).status == corrected


def test_correcting_to_what_is_recorded_changes_nothing(backend, session, uow_factory, clock,
                                                        booked):
    _recorded(session, uow_factory, clock, booked, ATTENDED)
    again = _correct(uow_factory, clock, booked, ATTENDED)
    assert (again.changed, again.status) == (False, ATTENDED)
    assert "attendance_corrected" not in audit_actions(session, "booking", booked.id)


def test_a_visit_whose_attendance_was_not_recorded_cannot_be_corrected(
        backend, session, uow_factory, clock, booked):
    _session_started(session, clock, booked)
    assert refusal(_correct, uow_factory, clock, booked, NO_SHOW).reason == \
        "attendance_not_recorded"
    assert reread(session, booked).status == BOOKED


def test_a_cancelled_visit_cannot_be_corrected_to_attended(backend, session, uow_factory,
                                                           clock, booked):
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=booked.id, actor=STAFF)
    _session_started(session, clock, booked)
    assert refusal(_correct, uow_factory, clock, booked, ATTENDED).reason == \
        "attendance_not_recorded"
    assert reread(session, booked).status == CANCELLED


def test_only_staff_correct_attendance(backend, session, uow_factory, clock, world, booked):
    _recorded(session, uow_factory, clock, booked, NO_SHOW)
    refused = refusal(_correct, uow_factory, clock, booked, ATTENDED,
                      Actor.visitor(world.lead.id, "sms"))
    assert refused.reason == "attendance_staff_only"
    assert reread(session, booked).status == NO_SHOW


def test_attendance_can_be_corrected_until_the_end_of_the_day_after_the_visit(
        backend, session, uow_factory, clock, booked):
    _recorded(session, uow_factory, clock, booked, NO_SHOW)
    clock.set(_local(THU_3_DEC + timedelta(days=1), 23, 59))
    assert _correct(uow_factory, clock, booked, ATTENDED).changed
    assert reread(session, booked).status == ATTENDED


def test_attendance_cannot_be_corrected_after_the_day_after_the_visit(
        backend, session, uow_factory, clock, booked):
    _recorded(session, uow_factory, clock, booked, NO_SHOW)
    clock.set(_local(THU_3_DEC + timedelta(days=2), 0, 0))
    refused = refusal(_correct, uow_factory, clock, booked, ATTENDED)
    assert refused.reason == "attendance_correction_too_late"
    assert "until the end of Friday 4 December" in refused.message()
    assert reread(session, booked).status == NO_SHOW
    assert "attendance_corrected" not in audit_actions(session, "booking", booked.id)


# Attendance recorded late (here on the Saturday, for the Thursday visit) can still have a
# mis-click corrected, until the end of the day it was recorded.

SAT_5_DEC = THU_3_DEC + timedelta(days=2)


def _recorded_late(uow_factory, clock, booking, outcome):
    clock.set(_local(SAT_5_DEC, 10))
    _record(uow_factory, clock, booking, outcome)


def test_attendance_recorded_late_can_be_corrected_until_the_end_of_the_day_it_was_recorded(
        backend, session, uow_factory, clock, booked):
    _recorded_late(uow_factory, clock, booked, NO_SHOW)
    clock.set(_local(SAT_5_DEC, 23, 59))
    assert _correct(uow_factory, clock, booked, ATTENDED).changed
    assert reread(session, booked).status == ATTENDED


def test_attendance_recorded_late_cannot_be_corrected_after_the_day_it_was_recorded(
        backend, session, uow_factory, clock, booked):
    _recorded_late(uow_factory, clock, booked, NO_SHOW)
    clock.set(_local(SAT_5_DEC + timedelta(days=1), 0, 0))
    refused = refusal(_correct, uow_factory, clock, booked, ATTENDED)
    assert refused.reason == "attendance_correction_too_late"
    assert "until the end of Saturday 5 December" in refused.message()
    assert "tan ddiwedd dydd Sadwrn 5 Rhagfyr" in refused.message("cy")
    assert reread(session, booked).status == NO_SHOW


def test_a_correction_does_not_extend_the_time_to_correct(backend, session, uow_factory, clock,
                                                          booked):
    _recorded_late(uow_factory, clock, booked, NO_SHOW)
    _correct(uow_factory, clock, booked, ATTENDED)
    clock.set(_local(SAT_5_DEC + timedelta(days=1), 9))
    assert refusal(_correct, uow_factory, clock, booked, NO_SHOW).reason == \
        "attendance_correction_too_late"
    assert reread(session, booked).status == ATTENDED


def test_a_correction_is_audited_with_the_staff_member_from_what_to_what(
        backend, session, uow_factory, clock, booked):
    _recorded(session, uow_factory, clock, booked, ATTENDED)
    clock.advance(hours=3)
    _correct(uow_factory, clock, booked, NO_SHOW, Actor.staff(7))
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "booking", AuditEvent.entity_id == booked.id,
        AuditEvent.action == "attendance_corrected")).one()
    assert (event.actor, event.channel, event.at, event.before, event.after["status"]) == \
        ("staff:7", "admin", clock.now(), {"status": ATTENDED}, NO_SHOW)


def test_a_correction_keeps_the_first_record_in_the_audit_log(backend, session, uow_factory,
                                                              clock, booked):
    _recorded(session, uow_factory, clock, booked, NO_SHOW)
    _correct(uow_factory, clock, booked, ATTENDED)
    _correct(uow_factory, clock, booked, NO_SHOW)
    assert audit_actions(session, "booking", booked.id)[-3:] == \
        [NO_SHOW, "attendance_corrected", "attendance_corrected"]


def test_a_correction_leaves_the_visiting_order_used(backend, session, uow_factory, clock,
                                                     world, booked):
    balance_after_booking = reread(session, world.prisoner).vo_balance
    _recorded(session, uow_factory, clock, booked, NO_SHOW)
    _correct(uow_factory, clock, booked, ATTENDED)
    assert reread(session, world.prisoner).vo_balance == balance_after_booking


def test_a_no_show_corrected_to_attended_is_asked_for_feedback_once_it_is_due(
        backend, session, uow_factory, clock, booked):
    _recorded(session, uow_factory, clock, booked, NO_SHOW)
    _feedback_due(session, clock, booked)
    assert _correct(uow_factory, clock, booked, ATTENDED).feedback_request == WRITTEN
    [request] = _feedback_requests(session)
    assert (request.booking_id, request.status) == (booked.id, PENDING)
    with uow_factory() as uow:
        assert request_feedback(uow, clock) == 0       # the scheduler asks no second time
    assert len(_feedback_requests(session)) == 1


def test_a_no_show_corrected_to_attended_before_feedback_is_due_is_asked_by_the_scheduler(
        backend, session, uow_factory, clock, booked):
    _recorded(session, uow_factory, clock, booked, NO_SHOW)
    assert _correct(uow_factory, clock, booked, ATTENDED).feedback_request == ""
    assert _feedback_requests(session) == []
    _feedback_due(session, clock, booked)
    with uow_factory() as uow:
        assert request_feedback(uow, clock) == 1


def test_recording_a_no_show_withdraws_a_feedback_request_not_yet_sent(
        backend, session, uow_factory, clock, booked):
    _feedback_due(session, clock, booked)
    with uow_factory() as uow:
        assert request_feedback(uow, clock) == 1      # a booked visit is asked once it ends
    _record(uow_factory, clock, booked, NO_SHOW)
    assert [m.status for m in _feedback_requests(session)] == [WITHDRAWN]


def test_a_no_show_whose_request_was_withdrawn_is_asked_again_when_corrected_to_attended(
        backend, session, uow_factory, clock, booked):
    _feedback_due(session, clock, booked)
    with uow_factory() as uow:
        request_feedback(uow, clock)
    _record(uow_factory, clock, booked, NO_SHOW)
    assert _correct(uow_factory, clock, booked, ATTENDED).feedback_request == WRITTEN
    assert [m.status for m in _feedback_requests(session)] == [WITHDRAWN, PENDING]


def test_an_attended_visit_corrected_to_a_no_show_has_its_unsent_feedback_request_withdrawn(
        backend, session, uow_factory, clock, booked):
    _recorded(session, uow_factory, clock, booked, ATTENDED)
    _feedback_due(session, clock, booked)
    with uow_factory() as uow:
        assert request_feedback(uow, clock) == 1
    result = _correct(uow_factory, clock, booked, NO_SHOW)
    assert result.feedback_request == FEEDBACK_WITHDRAWN
    assert [m.status for m in _feedback_requests(session)] == [WITHDRAWN]
    with uow_factory() as uow:
        assert request_feedback(uow, clock) == 0


def test_a_feedback_request_already_sent_is_not_withdrawn(backend, session, uow_factory, clock,
                                                          booked):
    _recorded(session, uow_factory, clock, booked, ATTENDED)
    _feedback_due(session, clock, booked)
    with uow_factory() as uow:
        request_feedback(uow, clock)
    _sent(session, _feedback_requests(session)[0])
    assert _correct(uow_factory, clock, booked, NO_SHOW).feedback_request == ALREADY_SENT
    assert [m.status for m in _feedback_requests(session)] == [SENT]
