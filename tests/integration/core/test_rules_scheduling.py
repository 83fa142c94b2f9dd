"""What the scheduler does: feedback requests after a visit, visiting orders renewed on the
renewal date, requests not reviewed by their cut-off rejected, tomorrow's visits lists, and
retention anonymising only what has outlived the retention period."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.models import AuditEvent, InboundMessage, OutboundMessage, REJECTED, Visitor
from core.retention import anonymise_expired_data
from core.scheduling import (prepare_visits_lists, reject_unreviewed_requests,
                             renew_visiting_orders, request_feedback, review_cut_off)
from tests.support.factories import create_visitor

from .helpers import THU_3_DEC, THU_10_DEC, book, messages, reread, slot_on


def _run(uow_factory, use_case, clock, **kwargs):
    with uow_factory() as uow:
        return use_case(uow, clock, **kwargs)


@pytest.fixture
def booked(session, uow_factory, clock, world):
    return book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
                prisoner=world.prisoner, visitors=[world.lead])


def test_feedback_is_asked_for_once_an_hour_after_the_visit_ends(backend, session, uow_factory,
                                                                 clock, booked):
    ends = reread(session, booked).slot.ends_at
    clock.set(ends + timedelta(minutes=59))
    assert _run(uow_factory, request_feedback, clock) == 0
    clock.set(ends + timedelta(hours=1))
    assert _run(uow_factory, request_feedback, clock) == 1
    assert _run(uow_factory, request_feedback, clock) == 0
    [text] = messages(session, kind="feedback_request")
    assert text.booking_id == booked.id and "1 (poor) to 5 (very good)" in text.body


def test_a_cancelled_visit_is_not_asked_for_feedback(backend, session, uow_factory, clock,
                                                     booked):
    from core.cancel import cancel_booking
    from core.actor import Actor
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=booked.id, actor=Actor.staff(1))
    clock.set(reread(session, booked).slot.ends_at + timedelta(hours=2))
    assert _run(uow_factory, request_feedback, clock) == 0


def test_visiting_orders_renew_on_the_prisoners_renewal_date(backend, session, uow_factory,
                                                             clock, world):
    world.prisoner.vo_balance, world.prisoner.vo_renewal_date = 0, date(2026, 12, 14)
    session.commit()
    clock.set(datetime(2026, 12, 13, 23, 0, tzinfo=timezone.utc))   # 23:00 on the 13th
    assert _run(uow_factory, renew_visiting_orders, clock) == 0
    clock.set(datetime(2026, 12, 14, 0, 30, tzinfo=timezone.utc))
    assert _run(uow_factory, renew_visiting_orders, clock) == 1
    assert _run(uow_factory, renew_visiting_orders, clock) == 0     # once only
    prisoner = reread(session, world.prisoner)
    assert (prisoner.vo_balance, prisoner.vo_renewal_date) == (2, date(2027, 1, 11))


def test_a_request_not_reviewed_by_its_cut_off_is_rejected_and_the_visitor_told(
        backend, session, uow_factory, clock, world):
    world.lead.public_protection_flag = True
    session.commit()
    request = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    cut_off = review_cut_off(THU_10_DEC)
    assert cut_off == datetime(2026, 12, 9, 12, 0, tzinfo=timezone.utc)
    clock.set(cut_off - timedelta(minutes=1))
    assert _run(uow_factory, reject_unreviewed_requests, clock) == 0
    clock.set(cut_off)
    assert _run(uow_factory, reject_unreviewed_requests, clock) == 1
    assert _run(uow_factory, reject_unreviewed_requests, clock) == 0
    assert reread(session, request).status == REJECTED
    [text] = messages(session, kind="request_rejected")
    assert "staff could not review it before the booking deadline" in text.body


def test_tomorrows_visits_list_is_prepared_for_each_prison(backend, session, uow_factory, clock,
                                                           world, booked):
    clock.set(datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc))
    assert _run(uow_factory, prepare_visits_lists, clock) == {"LEI": 1}
    session.expire_all()
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "visits_list_prepared")).one()
    assert event.after == {"day": "2026-12-03", "visits": 1, "visitors": 1}


def _old_visitor(session, clock, years=8):
    visitor = create_visitor(session, first_name="Olga", phone="+447400999001",
                             created_at=clock.now() - timedelta(days=365 * years))
    session.add(OutboundMessage(dedupe_key=f"old-{visitor.id}", kind="help",
                                to_phone=visitor.phone, visitor_id=visitor.id, body="secret",
                                status="delivered", send_after=visitor.created_at,
                                created_at=visitor.created_at))
    session.add(InboundMessage(message_sid=f"SMold{visitor.id}", from_phone=visitor.phone,
                               body="old text", received_at=visitor.created_at))
    session.commit()
    return visitor


def test_retention_anonymises_only_what_outlived_the_period(backend, session, uow_factory,
                                                            clock, world, booked):
    old = _old_visitor(session, clock)
    result = _run(uow_factory, anonymise_expired_data, clock, retention_days=365 * 7)
    assert (result.visitors, result.outbound, result.inbound) == (1, 1, 1)
    old = reread(session, old)
    assert (old.first_name, old.last_name, old.phone, old.date_of_birth) == (
        "Anonymised", "", None, date(1900, 1, 1))
    assert old.anonymised_at == clock.now()
    [message] = messages(session, visitor_id=old.id)
    assert (message.body, message.to_phone) == ("", "")
    # Everything younger is as it was: the world's visitors and the booking's texts.
    lead = reread(session, world.lead)
    assert (lead.first_name, lead.phone) == ("Sam", "+447400123456")
    assert all(m.body for m in messages(session, booking_id=booked.id))
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "retention")).one()
    assert event.after["visitors"] == 1
    again = _run(uow_factory, anonymise_expired_data, clock, retention_days=365 * 7)
    assert (again.visitors, again.outbound, again.inbound) == (0, 0, 0)


def test_retention_keeps_an_old_visitor_with_a_booking_within_the_period(
        backend, session, uow_factory, clock, world, booked):
    world.lead.created_at = clock.now() - timedelta(days=365 * 9)
    session.commit()
    assert _run(uow_factory, anonymise_expired_data, clock, retention_days=365 * 7).visitors == 0
    assert reread(session, world.lead).first_name == "Sam"
    assert session.get(Visitor, world.lead.id).anonymised_at is None
