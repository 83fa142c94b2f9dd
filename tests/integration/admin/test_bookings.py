"""Bookings on the staff pages: find, book on behalf (the core's reasons shown), cancel with
a reason, approve or reject requests; bad input changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from core.models import Booking, OutboundMessage, PrisonerNotice

from .helpers import THU_3_DEC, book, reread, slot_on, text


def _bookings(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Booking.id)))


def test_find_by_reference_prisoner_number_or_visitor(leeds_staff, leeds_booking):
    ref = leeds_booking.reference
    spaced = f"{ref[:3]} {ref[3:6]}-{ref[6:]}"
    for q in (spaced, "A1234BC", "Sarah Hughes", "+447400123456"):
        assert leeds_booking.reference in text(leeds_staff.get("/admin/bookings",
                                                             query_string={"q": q})), q


def test_a_mistyped_reference_is_explained(leeds_staff, leeds_booking):
    wrong = leeds_booking.reference[:-1] + str((int(leeds_booking.reference[-1]) + 1) % 10)
    assert "That reference is not right" in text(leeds_staff.get(f"/admin/bookings?q={wrong}"))


def test_book_on_behalf_of_a_visitor(leeds_staff, session, world, notifier):
    page = leeds_staff.get(f"/admin/bookings/new?prisoner=A1234BC&step=party"
                           f"&lead={world.lead.id}&others={world.child.id}&date={THU_3_DEC}")
    assert "Choose a session for Sarah Hughes, Mia Hughes" in text(page)
    slot = slot_on(session, leeds_staff.client.application.extensions["visitline"].clock,
                   world.leeds)
    response = leeds_staff.post("/admin/bookings/new", {
        "step": "confirm", "prisoner": "A1234BC", "lead": world.lead.id,
        "others": world.child.id, "slot_id": slot.id, "support_needs": "step-free access"})
    assert response.status_code == 302
    made = session.scalar(select(Booking))
    assert made.status == "booked" and made.channel == "admin"
    assert made.support_needs == "step-free access"
    assert [v.id for v in made.visitors] == [world.lead.id, world.child.id]
    assert session.scalar(select(OutboundMessage.kind).where(
        OutboundMessage.booking_id == made.id, OutboundMessage.status == "pending")) \
        == "confirmation"
    assert "Booked: reference" in text(leeds_staff.get(response.headers["Location"]))


def test_a_refusal_shows_the_cores_reason_and_books_nothing(leeds_staff, session, clock,
                                                            world):
    world.prisoner.vo_balance = 0
    session.commit()
    slot = slot_on(session, clock, world.leeds)
    response = leeds_staff.post("/admin/bookings/new", {
        "step": "confirm", "prisoner": "A1234BC", "lead": world.lead.id, "slot_id": slot.id})
    assert response.status_code == 400
    assert "visiting order" in text(response)
    assert _bookings(session) == 0


def test_a_child_cannot_lead_a_booking(leeds_staff, session, world):
    page = leeds_staff.get(f"/admin/bookings/new?prisoner=A1234BC&step=party"
                           f"&lead={world.child.id}")
    assert page.status_code == 400 and "18 or over" in text(page)


def test_bad_booking_input_changes_nothing(leeds_staff, session, world):
    for form in ({"step": "confirm", "prisoner": "A1234BC", "lead": world.lead.id},
                 {"step": "confirm", "prisoner": "A1234BC", "lead": world.lead.id,
                  "slot_id": "abc"},
                 {"step": "confirm", "prisoner": "Z9999ZZ", "lead": world.lead.id,
                  "slot_id": "1"},
                 {"step": "confirm", "prisoner": "A1234BC", "lead": world.other_lead.id,
                  "slot_id": "1"},
                 {"step": "confirm", "prisoner": "A1234BC", "slot_id": "1"}):
        response = leeds_staff.post("/admin/bookings/new", form)
        assert response.status_code == 400, form
        assert "There is a problem" in text(response)
    assert leeds_staff.get("/admin/bookings/new?prisoner=A1234BC&step=party&lead="
                           f"{world.lead.id}&date=tomorrow").status_code == 400
    assert _bookings(session) == 0


def test_cancel_with_a_reason(leeds_staff, session, leeds_booking):
    response = leeds_staff.post(f"/admin/bookings/{leeds_booking.id}/cancel",
                                {"reason": "visitor phoned"})
    assert response.status_code == 302
    booking = reread(session, leeds_booking)
    assert booking.status == "cancelled" and booking.decision_reason == "visitor phoned"
    assert booking.decided_by.startswith("staff:")
    assert session.scalar(select(PrisonerNotice).where(
        PrisonerNotice.booking_id == booking.id)) is not None
    assert session.scalar(select(OutboundMessage).where(
        OutboundMessage.booking_id == booking.id, OutboundMessage.kind == "cancellation"))
    page = text(leeds_staff.get(f"/admin/bookings/{booking.id}"))
    assert "Cancelled." in page and "visitor phoned" in page and "cancelled" in page


def test_cancel_needs_a_reason(leeds_staff, session, leeds_booking):
    response = leeds_staff.post(f"/admin/bookings/{leeds_booking.id}/cancel", {"reason": " "})
    assert response.status_code == 400 and "Give a reason" in text(response)
    assert reread(session, leeds_booking).status == "booked"


def _request(session, clock, uow_factory, world) -> Booking:
    world.lead.public_protection_flag = True
    session.commit()
    return book(uow_factory, clock, slot_on(session, clock, world.leeds), world.prisoner,
                [world.lead])


def test_approve_a_request(leeds_staff, session, clock, uow_factory, world):
    request = _request(session, clock, uow_factory, world)
    assert request.status == "requested"
    listed = text(leeds_staff.get("/admin/requests"))
    assert request.reference in listed and "public protection" in listed
    assert leeds_staff.post(f"/admin/bookings/{request.id}/approve",
                            {"reason": ""}).status_code == 302
    assert reread(session, request).status == "booked"
    assert session.scalar(select(OutboundMessage).where(
        OutboundMessage.booking_id == request.id, OutboundMessage.kind == "request_approved"))


def test_reject_a_request_with_a_reason(leeds_staff, session, clock, uow_factory, world):
    request = _request(session, clock, uow_factory, world)
    response = leeds_staff.post(f"/admin/bookings/{request.id}/reject", {"reason": ""})
    assert response.status_code == 400 and reread(session, request).status == "requested"
    leeds_staff.post(f"/admin/bookings/{request.id}/reject", {"reason": "risk assessment"})
    assert reread(session, request).status == "rejected"
    message = session.scalar(select(OutboundMessage).where(
        OutboundMessage.booking_id == request.id, OutboundMessage.kind == "request_rejected"))
    assert "risk assessment" in message.body


def test_approving_what_is_not_a_request_is_explained(leeds_staff, session, leeds_booking):
    response = leeds_staff.post(f"/admin/bookings/{leeds_booking.id}/approve", {})
    assert response.status_code == 400 and "not waiting for a decision" in text(response)


def test_the_waiting_list_for_a_day(leeds_staff, session, clock, uow_factory, world):
    from core.actor import Actor
    from core.waiting_list import join_waiting_list
    slot = slot_on(session, clock, world.leeds)
    slot.open_taken = slot.open_tables
    session.commit()
    with uow_factory() as uow:
        join_waiting_list(uow, clock, slot_id=slot.id, prisoner_id=world.prisoner.id,
                          visitor_ids=[world.lead.id], actor=Actor.visitor(world.lead.id, "sms"))
    page = text(leeds_staff.get(f"/admin/waiting-list?date={THU_3_DEC}"))
    assert "Sarah Hughes" in page and "waiting" in page


def test_a_bookings_audit_log_is_shown(leeds_staff, leeds_booking):
    page = text(leeds_staff.get(f"/admin/bookings/{leeds_booking.id}"))
    assert "Audit log" in page and "booked" in page and "visitor:" in page
