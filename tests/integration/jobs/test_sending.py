"""Texts go out through the outbox relay and real RQ workers: a reminder at its time, none for a
cancelled booking, the waiting-list offer after a cancellation, an offer passed on when it
expires, and a duplicated job sending once."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.queueing import SEND_JOB, job_queue
from core.actor import SMS, Actor
from core.booking import book_visit
from core.cancel import cancel_booking
from core.models import OutboundMessage, VisitSlot
from core.slots import ensure_visit_slots
from core.waiting_list import accept_offer, join_waiting_list

from .conftest import run_worker, tick_and_work

LAST_DAY = date(2026, 12, 29)
THU_10_DEC = date(2026, 12, 10)


def _slot(line, people, day):
    with Session(line.engine) as session:
        ensure_visit_slots(session, session.merge(people.prison), line.clock,
                           until=date(2026, 12, 31))
        session.commit()
        return session.scalar(select(VisitSlot.id).where(VisitSlot.date == day))


def _book(line, slot_id, prisoner, visitor):
    with line.uow() as uow:
        return book_visit(uow, line.clock, slot_id=slot_id, prisoner_id=prisoner.id,
                          visitor_ids=[visitor.id], actor=Actor.visitor(visitor.id, SMS))


def _messages(line, **where):
    with Session(line.engine) as session:
        return list(session.scalars(select(OutboundMessage).filter_by(**where)
                                    .order_by(OutboundMessage.id)))


def _bodies(received):
    return sorted(body.split(":")[0] for (_, body) in received.texts)


def test_a_reminder_goes_out_at_its_time_and_not_before(backend, line, people, received,
                                                        redis_conn):
    booking = _book(line, _slot(line, people, LAST_DAY), people.prisoner, people.lead)
    run_worker(redis_conn)
    assert _bodies(received) == ["Visit booked"]                  # the confirmation, at once
    [week_before, _] = _messages(line, kind="reminder")
    line.clock.set(week_before.send_after - timedelta(minutes=1))
    tick_and_work(redis_conn)
    assert received.stats()["received"] == 1
    line.clock.set(week_before.send_after)
    tick_and_work(redis_conn)
    tick_and_work(redis_conn)
    assert _bodies(received) == ["Reminder", "Visit booked"]
    assert received.stats()["duplicates"] == 0
    sent = _messages(line, dedupe_key=f"reminder-{booking.id}-168h")[0]
    assert sent.status == "sent" and sent.provider_sid.startswith("SM")


def test_a_cancelled_bookings_reminders_are_never_sent(backend, line, people, received,
                                                       redis_conn):
    booking = _book(line, _slot(line, people, LAST_DAY), people.prisoner, people.lead)
    with line.uow() as uow:
        cancel_booking(uow, line.clock, booking_id=booking.id,
                       actor=Actor.visitor(people.lead.id, SMS))
    line.clock.set(line.clock.now() + timedelta(days=28))
    tick_and_work(redis_conn)
    assert _bodies(received) == ["Visit booked", "Visit cancelled"]
    assert {m.status for m in _messages(line, kind="reminder")} == {"withdrawn"}


def test_a_cancellation_offers_the_place_to_the_waiting_list_and_book_takes_it(
        backend, line, people, received, redis_conn):
    slot_id = _slot(line, people, THU_10_DEC)
    booking = _book(line, slot_id, people.prisoner, people.lead)
    waiting_prisoner, waiting_visitor = people.others[0]
    with line.uow() as uow:
        join_waiting_list(uow, line.clock, slot_id=slot_id, prisoner_id=waiting_prisoner.id,
                          visitor_ids=[waiting_visitor.id],
                          actor=Actor.visitor(waiting_visitor.id, SMS))
    with line.uow() as uow:   # what a CANCEL <reference> reply does
        cancel_booking(uow, line.clock, booking_id=booking.id,
                       actor=Actor.visitor(people.lead.id, SMS))
    run_worker(redis_conn)
    offer = [body for (to, body) in received.texts if to == waiting_visitor.phone
             and body.startswith("Place free")]
    assert len(offer) == 1 and "Reply BOOK" in offer[0]
    with line.uow() as uow:   # what a BOOK reply does
        accept_offer(uow, line.clock, phone=waiting_visitor.phone)
    run_worker(redis_conn)
    assert [body.split(":")[0] for (to, body) in received.texts
            if to == waiting_visitor.phone] == ["On the waiting list", "Place free",
                                                "Visit booked"]


def test_an_unanswered_offer_expires_and_the_worker_passes_it_on(backend, line, people,
                                                                 received, redis_conn):
    slot_id = _slot(line, people, THU_10_DEC)
    booking = _book(line, slot_id, people.prisoner, people.lead)
    for prisoner, visitor in people.others:
        with line.uow() as uow:
            join_waiting_list(uow, line.clock, slot_id=slot_id, prisoner_id=prisoner.id,
                              visitor_ids=[visitor.id], actor=Actor.visitor(visitor.id, SMS))
    with line.uow() as uow:
        cancel_booking(uow, line.clock, booking_id=booking.id,
                       actor=Actor.visitor(people.lead.id, SMS))
    run_worker(redis_conn)
    second = people.others[1][1].phone
    offers_to_second = lambda: [b for (to, b) in received.texts  # noqa: E731
                                if to == second and b.startswith("Place free")]
    assert offers_to_second() == []
    line.clock.set(line.clock.now() + timedelta(minutes=30))
    tick_and_work(redis_conn)
    assert len(offers_to_second()) == 1


def test_a_duplicated_send_job_sends_once(backend, line, people, received, redis_conn):
    _book(line, _slot(line, people, THU_10_DEC), people.prisoner, people.lead)
    [confirmation] = _messages(line, kind="confirmation")
    queue = job_queue(redis_conn)
    queue.enqueue(SEND_JOB, confirmation.id, job_id=f"send-{confirmation.id}-again")
    line.relay.relay_ids([confirmation.id])                       # the relay again, too
    run_worker(redis_conn)
    assert received.stats() == {"received": 1, "distinct": 1, "duplicates": 0}


def test_a_reminder_the_handset_missed_goes_once_more_half_an_hour_later(backend, line, people,
                                                                         received, redis_conn):
    from core.delivery_status import record_status
    booking = _book(line, _slot(line, people, LAST_DAY), people.prisoner, people.lead)
    run_worker(redis_conn)
    [week_before, _] = _messages(line, kind="reminder")
    line.clock.set(week_before.send_after)
    tick_and_work(redis_conn)
    sent = _messages(line, dedupe_key=f"reminder-{booking.id}-168h")[0]
    with line.uow() as uow:
        record_status(uow, line.clock, message_sid=sent.provider_sid,
                      provider_status="undelivered", error_code="30003")
    line.clock.set(line.clock.now() + timedelta(minutes=29))
    tick_and_work(redis_conn)
    assert _bodies(received) == ["Reminder", "Visit booked"]
    line.clock.set(line.clock.now() + timedelta(minutes=1))
    tick_and_work(redis_conn)
    assert _bodies(received) == ["Reminder", "Visit booked"]          # by (to, body): once more
    assert received.texts[(people.lead.phone, sent.body)] == 2
    [again] = _messages(line, dedupe_key=f"retry-of-{sent.id}")
    assert again.status == "sent" and again.provider_sid != sent.provider_sid
