"""Texts about a visit that no longer applies, on the send jobs and real RQ workers, against the
fake Messages API. A no-show is not asked for feedback, nor a cancelled visit, even when staff
record it after the scheduler read the visit as attended and before it wrote the request (so
there was no request yet to withdraw): the send jobs withdraw such a request as stale when they
would send it, and a correction back to attended then asks again. A reminder already due when
its visit is cancelled is withdrawn the same way."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config import jobs_sms
from core.actor import SMS, Actor
from core.attendance import WRITTEN, correct_attendance
from core.booking import book_visit
from core.models import ATTENDED, CANCELLED, NO_SHOW, Booking, OutboundMessage, VisitSlot
from core.scheduling import FEEDBACK_AFTER, request_feedback
from core.slots import ensure_visit_slots

from .conftest import run_worker

THU_10_DEC = date(2026, 12, 10)
STAFF = Actor.staff(1)
# The two send jobs the relay hands texts to: one text, or texts due together.
SEND_JOBS = {"one": jobs_sms.send_message,
             "batch": lambda mid: jobs_sms.send_batch([mid])}


def _visit_ended_and_asked(line, people) -> int:
    """A booked visit that ended an hour ago, and the scheduler's feedback request for it
    (written, not yet sent). Returns the booking's id."""
    with Session(line.engine) as session:
        ensure_visit_slots(session, session.merge(people.prison), line.clock,
                           until=date(2026, 12, 31))
        session.commit()
        slot = session.scalars(select(VisitSlot).where(VisitSlot.date == THU_10_DEC)).first()
        slot_id, ends_at = slot.id, slot.ends_at
    with line.uow() as uow:
        booking = book_visit(uow, line.clock, slot_id=slot_id, prisoner_id=people.prisoner.id,
                             visitor_ids=[people.lead.id],
                             actor=Actor.visitor(people.lead.id, SMS))
    line.clock.set(ends_at + FEEDBACK_AFTER)
    with line.uow() as uow:
        assert request_feedback(uow, line.clock) == 1
    return booking.id


def _recorded_before_the_request_was_written(line, booking_id: int, status: str) -> None:
    """Staff's record as it lands when it commits between the scheduler's read and its commit:
    the booking's status changed, and no request yet to withdraw."""
    with Session(line.engine) as session:
        session.execute(update(Booking).where(Booking.id == booking_id).values(status=status))
        session.commit()


def _feedback_requests(line) -> list[OutboundMessage]:
    with Session(line.engine) as session:
        return list(session.scalars(select(OutboundMessage).where(
            OutboundMessage.kind == "feedback_request").order_by(OutboundMessage.id)))


def _asked(received) -> list[str]:
    return [body for (_, body) in received.texts if body.startswith("How was booking")]


@pytest.mark.parametrize("send", sorted(SEND_JOBS))
@pytest.mark.parametrize("status, outcome", [(ATTENDED, "sent"), (NO_SHOW, "withdrawn"),
                                             (CANCELLED, "withdrawn")])
def test_a_feedback_request_goes_only_to_a_visit_still_attended_when_it_is_sent(
        backend, line, people, received, send, status, outcome):
    booking_id = _visit_ended_and_asked(line, people)
    _recorded_before_the_request_was_written(line, booking_id, status)
    [request] = _feedback_requests(line)
    SEND_JOBS[send](request.id)
    [request] = _feedback_requests(line)
    assert request.status == outcome
    assert len(_asked(received)) == (1 if outcome == "sent" else 0)
    if outcome == "withdrawn":
        assert request.error_code == "stale" and request.provider_sid is None


def test_a_no_show_recorded_before_its_feedback_request_is_sent_is_not_asked_for_feedback(
        backend, line, people, received, redis_conn):
    booking_id = _visit_ended_and_asked(line, people)
    _recorded_before_the_request_was_written(line, booking_id, NO_SHOW)
    run_worker(redis_conn)
    assert _asked(received) == []
    assert [r.status for r in _feedback_requests(line)] == ["withdrawn"]


def test_a_no_show_whose_request_the_sender_withdrew_is_asked_when_corrected_to_attended(
        backend, line, people, received, redis_conn):
    booking_id = _visit_ended_and_asked(line, people)
    _recorded_before_the_request_was_written(line, booking_id, NO_SHOW)
    run_worker(redis_conn)
    with line.uow() as uow:
        corrected = correct_attendance(uow, line.clock, booking_id=booking_id,
                                       outcome=ATTENDED, actor=STAFF)
    assert corrected.feedback_request == WRITTEN
    run_worker(redis_conn)
    assert [r.status for r in _feedback_requests(line)] == ["withdrawn", "sent"]
    assert len(_asked(received)) == 1


@pytest.mark.parametrize("send", sorted(SEND_JOBS))
def test_a_reminder_due_for_a_visit_cancelled_since_is_not_sent(backend, line, people, received,
                                                                send):
    with Session(line.engine) as session:
        ensure_visit_slots(session, session.merge(people.prison), line.clock,
                           until=date(2026, 12, 31))
        session.commit()
        slot_id = session.scalars(select(VisitSlot.id).where(VisitSlot.date == THU_10_DEC)).first()
    with line.uow() as uow:
        booking = book_visit(uow, line.clock, slot_id=slot_id, prisoner_id=people.prisoner.id,
                             visitor_ids=[people.lead.id],
                             actor=Actor.visitor(people.lead.id, SMS))
    with Session(line.engine) as session:
        reminder = session.scalars(select(OutboundMessage).where(
            OutboundMessage.kind == "reminder").order_by(OutboundMessage.send_after)).first()
        # Due, handed on for sending, and then the visit cancelled without it being withdrawn.
        session.execute(update(OutboundMessage).where(OutboundMessage.id == reminder.id)
                        .values(status="pending"))
        session.execute(update(Booking).where(Booking.id == booking.id)
                        .values(status=CANCELLED))
        session.commit()
        line.clock.set(reminder.send_after)
    SEND_JOBS[send](reminder.id)
    with Session(line.engine) as session:
        ended = session.get(OutboundMessage, reminder.id)
        assert (ended.status, ended.error_code, ended.provider_sid) == ("withdrawn", "stale", None)
    assert not received.texts
