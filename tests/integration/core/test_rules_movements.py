"""A prisoner released or transferred: pending requests rejected, booked visits flagged for staff
review, visitors told."""
from __future__ import annotations

from datetime import date

import pytest

from core.movements import prisoner_released, prisoner_transferred
from core.models import BOOKED, REJECTED
from tests.support.factories import approve, create_prison, create_visitor

from .helpers import (STAFF, THU_3_DEC, THU_10_DEC, audit_actions, book, booking_refused,
                      messages, reread, slot_on)


@pytest.fixture
def visits(session, uow_factory, clock, world):
    """A booked visit (Sam) and a request (a flagged visitor, Cal) for the same prisoner."""
    booked = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
                  prisoner=world.prisoner, visitors=[world.lead])
    flagged = create_visitor(session, first_name="Cal", public_protection_flag=True)
    approve(session, world.prisoner, flagged, relationship="friend")
    session.commit()
    requested = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                     prisoner=world.prisoner, visitors=[flagged])
    return booked, requested


def _release(uow_factory, clock, world):
    with uow_factory() as uow:
        prisoner_released(uow, clock, prisoner_id=world.prisoner.id, actor=STAFF)


def _transfer(uow_factory, clock, world, to_prison):
    with uow_factory() as uow:
        prisoner_transferred(uow, clock, prisoner_id=world.prisoner.id,
                             to_prison_id=to_prison.id, actor=STAFF)


def test_a_released_prisoners_pending_requests_are_rejected(backend, session, uow_factory, clock,
                                                            world, visits):
    _, requested = visits
    _release(uow_factory, clock, world)
    request = reread(session, requested)
    assert (request.status, request.decision_reason) == \
        (REJECTED, "the prisoner has been released")
    [text] = messages(session, booking_id=request.id, kind="request_rejected")
    assert text.body.endswith("was not approved: the prisoner has been released")
    assert reread(session, request.slot).open_taken == 0


def test_a_released_prisoners_booked_visits_go_to_staff_for_review(backend, session,
                                                                   uow_factory, clock, world,
                                                                   visits):
    booked, _ = visits
    _release(uow_factory, clock, world)
    booking = reread(session, booked)
    assert (booking.status, booking.needs_review) == (BOOKED, True)
    [text] = messages(session, booking_id=booking.id, kind="needs_review")
    assert text.body.startswith("Staff must check your visit")
    assert reread(session, world.prisoner).prison_id is None


def test_a_transferred_prisoners_requests_are_rejected_and_visits_reviewed(backend, session,
                                                                           uow_factory, clock,
                                                                           world, visits):
    booked, requested = visits
    elsewhere = create_prison(session, code="WYI", name="HMP Wakefield")
    session.commit()
    _transfer(uow_factory, clock, world, elsewhere)
    assert reread(session, requested).decision_reason == \
        "the prisoner has moved to another prison"
    assert reread(session, booked).needs_review is True
    assert reread(session, world.prisoner).prison_id == elsewhere.id
    assert audit_actions(session, "prisoner", world.prisoner.id) == ["transferred"]


def test_visitors_are_told_about_a_move_only_once(backend, session, uow_factory, clock, world,
                                                  visits):
    elsewhere = create_prison(session, code="WYI", name="HMP Wakefield")
    session.commit()
    _transfer(uow_factory, clock, world, elsewhere)
    _release(uow_factory, clock, world)
    assert len(messages(session, kind="needs_review")) == 1
    assert len(messages(session, kind="request_rejected")) == 1


def test_past_visits_are_left_alone_when_a_prisoner_moves(backend, session, uow_factory, clock,
                                                          world, visits):
    booked, _ = visits
    clock.set(reread(session, booked).slot.ends_at)
    _release(uow_factory, clock, world)
    assert reread(session, booked).needs_review is False


def test_a_released_prisoner_cannot_be_booked(backend, session, uow_factory, clock, world):
    slot = slot_on(session, world.prison, clock, date(2026, 12, 11))
    _release(uow_factory, clock, world)
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                              visitors=[world.lead])
    assert refused.reason == "prisoner_not_here"
