"""Requests: a flagged visitor, a restriction under review, or a large family where the prison
does not seat families at two tables is booked as `requested`; staff approve or reject with a
reason; the visitor is told by text."""
from __future__ import annotations

from datetime import date

import pytest

from core.models import BOOKED, REJECTED, REQUESTED
from core.requests import approve_request, reject_request
from core.reference import written
from tests.support.factories import approve, create_prisoner, create_visitor

from .helpers import (STAFF, THU_10_DEC, audit_actions, book, booking_refused, messages, refusal,
                      reread, slot_on)


def _request(session, uow_factory, clock, world, visitors=None, slot=None):
    return book(uow_factory, clock, slot=slot or slot_on(session, world.prison, clock, THU_10_DEC),
                prisoner=world.prisoner, visitors=visitors or [world.lead])


@pytest.fixture
def flagged_request(session, uow_factory, clock, world):
    world.lead.public_protection_flag = True
    session.commit()
    return _request(session, uow_factory, clock, world)


def _approve(uow_factory, clock, booking, reason=""):
    with uow_factory() as uow:
        return approve_request(uow, clock, booking_id=booking.id, actor=STAFF, reason=reason)


def _reject(uow_factory, clock, booking, reason):
    with uow_factory() as uow:
        return reject_request(uow, clock, booking_id=booking.id, actor=STAFF, reason=reason)


def test_a_visitor_with_a_public_protection_flag_is_booked_as_a_request(backend, flagged_request):
    assert (flagged_request.status, flagged_request.request_reason) == \
        (REQUESTED, "public protection")


def test_an_additional_visitor_with_a_public_protection_flag_makes_a_request(
        backend, session, uow_factory, clock, world):
    world.child.public_protection_flag = True
    session.commit()
    booking = _request(session, uow_factory, clock, world, [world.lead, world.child])
    assert booking.status == REQUESTED


def test_a_visitor_with_a_restriction_under_review_is_booked_as_a_request(
        backend, session, uow_factory, clock, world):
    world.lead.restriction_under_review = True
    session.commit()
    booking = _request(session, uow_factory, clock, world)
    assert (booking.status, booking.request_reason) == (REQUESTED, "restriction under review")


def test_a_large_family_where_two_tables_are_not_allowed_is_booked_as_a_request(
        backend, session, uow_factory, clock, world):
    world.prison.allows_two_tables = False
    family = []
    for n in range(7):
        child = create_visitor(session, first_name=f"Kid{n}", date_of_birth=date(2016, 1, 1))
        approve(session, world.prisoner, child, relationship="son")
        family.append(child)
    session.commit()
    booking = _request(session, uow_factory, clock, world, [world.lead, *family])
    assert (booking.status, booking.tables, booking.request_reason) == \
        (REQUESTED, 2, "large family: two tables")


def test_a_request_holds_the_place(backend, session, uow_factory, clock, world):
    world.lead.public_protection_flag = True
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    slot.open_tables = 1
    session.commit()
    _request(session, uow_factory, clock, world, slot=slot)
    other = create_prisoner(session, world.prison, number="G7777HI")
    visitor = create_visitor(session, first_name="Ola")
    approve(session, other, visitor)
    session.commit()
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=other, visitors=[visitor])
    assert refused.reason == "slot_full"


def test_the_visitor_is_told_a_request_is_not_booked_yet(backend, session, flagged_request):
    texts = messages(session, booking_id=flagged_request.id)
    assert [m.kind for m in texts] == ["request_received"]
    assert texts[0].body == ("Not booked yet: HMP Leeds, Thursday 10 December 14:00. Staff will "
                             f"decide. To withdraw, reply CANCEL {written(flagged_request.reference)}")


def test_staff_approve_a_request_and_the_visitor_is_texted(backend, session, uow_factory, clock,
                                                           flagged_request):
    _approve(uow_factory, clock, flagged_request, reason="checked with OMU")
    booking = reread(session, flagged_request)
    assert (booking.status, booking.decided_by, booking.decision_reason) == \
        (BOOKED, "staff:1", "checked with OMU")
    kinds = [m.kind for m in messages(session, booking_id=booking.id)]
    assert kinds == ["request_received", "request_approved", "reminder", "reminder"]
    assert audit_actions(session, "booking", booking.id) == ["requested", "approved"]


def test_staff_reject_a_request_with_a_reason_and_the_visitor_is_texted_it(
        backend, session, uow_factory, clock, world, flagged_request):
    _reject(uow_factory, clock, flagged_request, reason="contact not permitted")
    booking = reread(session, flagged_request)
    assert (booking.status, booking.decision_reason) == (REJECTED, "contact not permitted")
    [text] = messages(session, booking_id=booking.id, kind="request_rejected")
    assert text.body.endswith("was not approved: contact not permitted")
    assert reread(session, booking.slot).open_taken == 0
    assert reread(session, world.prisoner).vo_balance == 2


def test_only_a_request_can_be_approved(backend, session, uow_factory, clock, flagged_request):
    _approve(uow_factory, clock, flagged_request)
    assert refusal(_approve, uow_factory, clock, flagged_request).reason == "not_a_request"
    assert [m.kind for m in messages(session, kind="request_approved")] == ["request_approved"]


def test_only_a_request_can_be_rejected(backend, session, uow_factory, clock, flagged_request):
    _reject(uow_factory, clock, flagged_request, "no")
    assert refusal(_reject, uow_factory, clock, flagged_request, "again").reason == \
        "not_a_request"
    assert reread(session, flagged_request).decision_reason == "no"
