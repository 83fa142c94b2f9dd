"""The approved visitor list, bans, closed-visit restrictions and professional sessions."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.models import ApprovedVisitor
from core.rules import INDEFINITE
from tests.support.factories import approve, create_prisoner, create_visitor

from .helpers import THU_3_DEC, THU_10_DEC, book, booking_refused, reread, slot_on


def test_a_social_visitor_must_be_on_the_approved_list(backend, session, uow_factory, clock,
                                                       world):
    stranger = create_visitor(session, first_name="Lee", last_name="Stone")
    session.commit()
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.lead, stranger])
    assert refused.reason == "not_approved"
    assert refused.message() == "Lee Stone is not on the prisoner's approved visitor list."


def test_a_visitor_approved_for_another_prisoner_is_not_approved_for_this_one(
        backend, session, uow_factory, clock, world):
    someone_else = create_prisoner(session, world.prison, number="Z9999ZZ")
    friend = create_visitor(session, first_name="Jo")
    approve(session, someone_else, friend)
    session.commit()
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[friend])
    assert refused.reason == "not_approved"


def test_a_withdrawn_approval_does_not_count(backend, session, uow_factory, clock, world):
    link = session.scalar(select(ApprovedVisitor).where(
        ApprovedVisitor.visitor_id == world.lead.id))
    link.approved = False
    session.commit()
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "not_approved"


def test_banned_lead_visitor_cannot_book(backend, session, uow_factory, clock, world):
    world.lead.banned_until = INDEFINITE
    session.commit()
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "banned_indefinitely"
    assert refused.message() == "Sam Turner cannot visit. Please speak to staff."


def test_a_banned_additional_visitor_stops_the_booking(backend, session, uow_factory, clock,
                                                       world):
    world.child.banned_until = date(2027, 6, 1)
    session.commit()
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.lead, world.child])
    assert refused.reason == "banned"
    assert refused.params["name"] == "Mia Turner"


def test_a_visitor_banned_until_a_date_cannot_visit_before_it(backend, session, uow_factory,
                                                              clock, world):
    world.lead.banned_until = THU_10_DEC
    session.commit()
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, date(2026, 12, 9)),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "banned"
    assert refused.message() == "Sam Turner cannot visit before Thursday 10 December."


def test_a_visitor_banned_until_a_date_can_be_booked_on_that_date(backend, session,
                                                                  uow_factory, clock, world):
    world.lead.banned_until = THU_10_DEC
    session.commit()
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert booking.status == "booked"


def test_a_closed_restriction_on_the_prisoner_allows_only_closed_tables(
        backend, session, uow_factory, clock, world):
    world.prisoner.closed_visits_only = True
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    booking = book(uow_factory, clock, slot=slot, prisoner=world.prisoner, visitors=[world.lead])
    assert (booking.closed, booking.closed_because) == (True, "because_prisoner_closed")
    slot = reread(session, slot)
    assert (slot.open_taken, slot.closed_taken) == (0, 1)


def test_a_closed_restriction_on_any_visitor_allows_only_closed_tables(
        backend, session, uow_factory, clock, world):
    world.child.closed_visits_only = True
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    booking = book(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                   visitors=[world.lead, world.child])
    assert (booking.closed, booking.closed_because) == (True, "because_visitor_closed")
    assert reread(session, slot).closed_taken == 1


def test_the_caller_is_told_why_only_a_closed_visit_is_possible(backend, session, uow_factory,
                                                                clock, world):
    world.prisoner.closed_visits_only = True
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    slot.closed_tables = 0
    session.commit()
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.reason == "closed_visits_only"
    assert "because of a restriction on the prisoner" in refused.message("en")
    assert "oherwydd cyfyngiad ar y carcharor" in refused.message("cy")


def test_a_closed_visit_is_refused_when_the_closed_tables_are_full(backend, session,
                                                                   uow_factory, clock, world):
    world.lead.closed_visits_only = True
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    slot.closed_taken = slot.closed_tables
    session.commit()
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.reason == "closed_visits_only"
    assert "because of a restriction on a visitor" in refused.message()


def test_a_professional_session_is_only_for_professional_visitors(backend, session,
                                                                  uow_factory, clock, world):
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC,
                                           kind="professional"),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "not_professional"


def test_professional_visitors_need_not_be_on_the_approved_list(backend, session, uow_factory,
                                                                clock, world):
    booking = book(uow_factory, clock,
                   slot=slot_on(session, world.prison, clock, THU_3_DEC, kind="professional"),
                   prisoner=world.prisoner, visitors=[world.solicitor])
    assert (booking.status, booking.kind) == ("booked", "professional")


def test_a_professional_visitor_booking_a_social_session_must_be_approved(
        backend, session, uow_factory, clock, world):
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.solicitor])
    assert refused.reason == "not_approved"
