"""Visits to review after a prisoner moved: keep or cancel each; and recording a move."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import BOOKED, CANCELLED, AuditEvent, OutboundMessage

from .helpers import reread, text


def _release(staff, number="A1234BC"):
    staff.get("/admin/review?prison=LEI")
    return staff.post("/admin/prisoners/move", {"prison": "LEI", "prisoner_number": number,
                                                "movement": "released"})


@pytest.fixture
def under_review(leeds_staff, session, leeds_booking):
    assert _release(leeds_staff).status_code == 302
    return leeds_booking


def test_staff_record_a_release_and_the_visit_is_listed_for_review(leeds_staff, session, world,
                                                                   under_review):
    assert reread(session, world.prisoner).prison_id is None
    assert reread(session, under_review).needs_review is True
    page = text(leeds_staff.get("/admin/review?prison=LEI"))
    assert under_review.reference in page and "released" in page


def test_staff_record_a_transfer(leeds_staff, session, world, leeds_booking):
    leeds_staff.get("/admin/review?prison=LEI")
    response = leeds_staff.post("/admin/prisoners/move", {
        "prison": "LEI", "prisoner_number": "a1234bc", "movement": "transferred",
        "to_prison": "CFI"})
    assert response.status_code == 302
    assert reread(session, world.prisoner).prison_id == world.cardiff.id
    assert reread(session, leeds_booking).needs_review is True


def test_a_transfer_needs_a_destination(leeds_staff, session, world, leeds_booking):
    leeds_staff.get("/admin/review?prison=LEI")
    response = leeds_staff.post("/admin/prisoners/move", {
        "prison": "LEI", "prisoner_number": "A1234BC", "movement": "transferred"})
    assert response.status_code == 400 and "transferred to" in text(response)
    assert reread(session, world.prisoner).prison_id == world.leeds.id


def test_staff_cannot_move_a_prisoner_at_another_prison(cardiff_staff, session, world):
    cardiff_staff.get("/admin/review?prison=CFI")
    response = cardiff_staff.post("/admin/prisoners/move", {
        "prison": "CFI", "prisoner_number": "A1234BC", "movement": "released"})
    assert response.status_code == 400
    assert reread(session, world.prisoner).prison_id == world.leeds.id


def test_keeping_a_visit_clears_it_from_review_and_is_audited(leeds_staff, session,
                                                              under_review):
    leeds_staff.get("/admin/review?prison=LEI")
    response = leeds_staff.post(f"/admin/review/{under_review.id}/keep")
    assert response.status_code == 302
    booking = reread(session, under_review)
    assert (booking.status, booking.needs_review) == (BOOKED, False)
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.entity_id == under_review.id, AuditEvent.action == "review_kept")).one()
    assert event.actor.startswith("staff:")
    assert under_review.reference not in text(leeds_staff.get("/admin/review?prison=LEI"))


def test_cancelling_a_visit_under_review_texts_the_visitor_and_releases_the_place(
        leeds_staff, session, under_review):
    leeds_staff.get("/admin/review?prison=LEI")
    response = leeds_staff.post(f"/admin/review/{under_review.id}/cancel",
                                {"reason": "prisoner released"})
    assert response.status_code == 302
    booking = reread(session, under_review)
    assert (booking.status, booking.decision_reason) == (CANCELLED, "prisoner released")
    assert booking.slot.open_taken == 0
    assert session.scalars(select(OutboundMessage).where(
        OutboundMessage.booking_id == booking.id,
        OutboundMessage.kind == "cancellation")).one()


def test_cancelling_after_review_needs_a_reason(leeds_staff, session, under_review):
    leeds_staff.get("/admin/review?prison=LEI")
    leeds_staff.post(f"/admin/review/{under_review.id}/cancel", {"reason": " "})
    assert reread(session, under_review).status == BOOKED
    assert "Give a reason" in text(leeds_staff.get("/admin/review?prison=LEI"))


def test_staff_see_and_act_on_only_their_own_prisons_reviews(cardiff_staff, session,
                                                             under_review):
    assert cardiff_staff.get("/admin/review?prison=LEI").status_code == 403
    cardiff_staff.get("/admin/review?prison=CFI")
    assert cardiff_staff.post(f"/admin/review/{under_review.id}/keep").status_code == 403
    assert reread(session, under_review).needs_review is True


def test_review_actions_need_the_forms_csrf_token(leeds_staff, session, under_review):
    response = leeds_staff.post(f"/admin/review/{under_review.id}/keep",
                                {"csrf_token": "forged"})
    assert response.status_code == 400
    assert reread(session, under_review).needs_review is True
