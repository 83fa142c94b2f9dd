"""Prisons (administrators): settings, sessions and capacities, closures that list the
bookings they end and, once confirmed, cancel them and text the visitors."""
from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from core.models import AuditEvent, OutboundMessage, SessionTemplate, VisitSlot

from .helpers import THU_3_DEC, reread, text

SETTINGS = {"min_notice_days": "1", "max_advance_days": "21", "adult_age": "16",
            "reminder_offsets": "72, 24", "allows_two_tables": "1"}


def test_change_a_prisons_settings(administrator, session, world):
    assert administrator.post("/admin/prisons/LEI/settings", SETTINGS).status_code == 302
    prison = reread(session, world.leeds)
    assert (prison.min_notice_days, prison.max_advance_days, prison.adult_age) == (1, 21, 16)
    assert prison.reminder_offsets_hours == "72,24" and not prison.notice_in_working_days


def test_a_prison_can_close_booking_at_noon_on_the_working_day_before(administrator, session,
                                                                    world):
    noon_the_working_day_before = SETTINGS | {"min_notice_days": "1", "notice_cutoff": "12:00",
                                              "notice_in_working_days": "1"}
    assert administrator.post("/admin/prisons/LEI/settings",
                              noon_the_working_day_before).status_code == 302
    prison = reread(session, world.leeds)
    assert (prison.min_notice_days, prison.notice_in_working_days, prison.notice_cutoff) == \
        (1, True, time(12, 0))
    assert 'value="12:00"' in text(administrator.get("/admin/prisons/LEI"))
    assert administrator.post("/admin/prisons/LEI/settings", SETTINGS).status_code == 302
    assert reread(session, world.leeds).notice_cutoff is None


@pytest.mark.parametrize("change, field", [
    ({"max_advance_days": "40"}, "max_advance_days"), ({"adult_age": "21"}, "adult_age"),
    ({"reminder_offsets": "soon"}, "reminder_offsets"), ({"min_notice_days": "-1"},
                                                         "min_notice_days"),
    ({"min_notice_days": ""}, "min_notice_days"), ({"notice_cutoff": "noon"}, "notice_cutoff")])
def test_bad_settings_are_explained_and_change_nothing(administrator, session, world, change,
                                                       field):
    response = administrator.post("/admin/prisons/LEI/settings", SETTINGS | change)
    assert response.status_code == 400 and f'href="#{field}"' in text(response)
    prison = reread(session, world.leeds)
    assert (prison.max_advance_days, prison.adult_age) == (28, 18)


def test_add_a_session_and_its_slots_appear(administrator, session, world):
    response = administrator.post("/admin/prisons/LEI/sessions", {
        "weekday": "3", "start": "09:30", "end": "11:00", "valid_from": "2026-12-01",
        "open_tables": "4", "closed_tables": "0", "kind": "professional"})
    assert response.status_code == 302
    template = session.scalar(select(SessionTemplate).where(
        SessionTemplate.prison_id == world.leeds.id, SessionTemplate.kind == "professional"))
    assert template.start_time == time(9, 30)
    assert session.scalar(select(VisitSlot).where(VisitSlot.template_id == template.id,
                                                  VisitSlot.date == THU_3_DEC))


@pytest.mark.parametrize("change", [{"end": "09:00"}, {"open_tables": "0", "closed_tables": "0"},
                                    {"weekday": "9"}, {"valid_from": ""}, {"kind": "party"},
                                    {"start": "nine"}])
def test_bad_sessions_are_explained_and_add_nothing(administrator, session, world, change):
    form = {"weekday": "3", "start": "09:30", "end": "11:00", "valid_from": "2026-12-01",
            "open_tables": "4", "closed_tables": "0", "kind": "social"} | change
    assert administrator.post("/admin/prisons/LEI/sessions", form).status_code == 400
    session.expire_all()
    assert len(session.scalars(select(SessionTemplate).where(
        SessionTemplate.prison_id == world.leeds.id)).all()) == 7


def test_change_capacity_never_bumps_anyone(administrator, session, world, leeds_booking):
    template_id = reread(session, leeds_booking).slot.template_id
    administrator.post("/admin/prisons/LEI/capacity", {"template_id": template_id,
                                                       "open_tables": "0",
                                                       "closed_tables": "1"})
    slot = session.get(VisitSlot, leeds_booking.slot_id)
    assert (slot.open_tables, slot.open_taken, slot.closed_tables) == (1, 1, 1)
    other = session.get(SessionTemplate, world.cardiff.templates[0].id)
    response = administrator.post("/admin/prisons/LEI/capacity", {"template_id": other.id,
                                                                  "open_tables": "3",
                                                                  "closed_tables": "0"})
    assert response.status_code == 400 and reread(session, other).open_tables == 20


def test_ending_a_session_with_bookings_asks_for_a_closure_first(administrator, session,
                                                                  leeds_booking):
    template_id = reread(session, leeds_booking).slot.template_id
    response = administrator.post("/admin/prisons/LEI/end-session",
                                  {"template_id": template_id, "last_date": "2026-12-01"})
    assert response.status_code == 400 and "Add a closure" in text(response)
    assert session.get(SessionTemplate, template_id).valid_to is None


def test_a_closure_lists_the_bookings_it_ends_then_cancels_them(administrator, session,
                                                                 world, leeds_booking):
    form = {"first_date": THU_3_DEC.isoformat(), "reason": "staff training"}
    check = administrator.post("/admin/prisons/LEI/closures/check", form)
    assert check.status_code == 200
    assert leeds_booking.reference in text(check)
    assert "1 booking(s) will be cancelled" in text(check)
    assert reread(session, leeds_booking).status == "booked"     # nothing yet
    done = administrator.post("/admin/prisons/LEI/closures", form | {"last_date": "",
                                                                    "template_id": ""})
    assert done.status_code == 302
    booking = reread(session, leeds_booking)
    assert booking.status == "cancelled" and "staff training" in booking.decision_reason
    assert session.get(VisitSlot, booking.slot_id).closed_reason == "staff training"
    text_sent = session.scalar(select(OutboundMessage).where(
        OutboundMessage.booking_id == booking.id, OutboundMessage.kind == "closure"))
    assert "closed for visits" in text_sent.body and "staff training" in text_sent.body
    assert "staff training" in text(administrator.get("/admin/prisons/LEI"))


@pytest.mark.parametrize("form", [{"first_date": "2026-11-30", "reason": "x"},
                                  {"first_date": "2026-12-05", "last_date": "2026-12-04",
                                   "reason": "x"},
                                  {"first_date": "2026-12-05", "reason": ""},
                                  {"first_date": "", "reason": "x"},
                                  {"first_date": "2026-12-05", "reason": "x",
                                   "template_id": "99999"}])
def test_bad_closures_are_explained_and_close_nothing(administrator, session, world,
                                                      leeds_booking, form):
    for path in ("/admin/prisons/LEI/closures/check", "/admin/prisons/LEI/closures"):
        response = administrator.post(path, form)
        assert response.status_code == 400 and "There is a problem" in text(response)
    assert reread(session, leeds_booking).status == "booked"
    assert not session.scalars(select(VisitSlot).where(
        VisitSlot.closed_reason.is_not(None))).all()


def test_a_closure_without_a_reason_points_at_the_reason_field(administrator, world):
    response = administrator.post("/admin/prisons/LEI/closures/check",
                                  {"first_date": "2026-12-05", "reason": ""})
    page = text(response)
    assert 'href="#reason"' in page and 'id="reason"' in page
    assert 'aria-describedby="reason-error"' in page


def test_an_unknown_prison_is_not_found(administrator):
    assert administrator.get("/admin/prisons/NOPE").status_code == 404


VISITING_ORDERS = {"vo_allowance_basic": "2", "vo_allowance_standard": "3",
                   "vo_allowance_enhanced": "4"}


def _visiting_orders(prison) -> tuple[int, int, int]:
    return (prison.vo_allowance_basic, prison.vo_allowance_standard,
            prison.vo_allowance_enhanced)


def test_set_the_visiting_orders_each_incentive_level_gets(administrator, session, world):
    assert 'id="vo_allowance_enhanced" name="vo_allowance_enhanced" inputmode="numeric" ' \
           'value="2"' in text(administrator.get("/admin/prisons/LEI"))

    response = administrator.post("/admin/prisons/LEI/visiting-orders", VISITING_ORDERS)

    assert response.status_code == 302
    assert _visiting_orders(reread(session, world.leeds)) == (2, 3, 4)
    [entry] = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "visiting_orders_changed")).all()
    assert entry.after["vo_allowance_standard"] == 3 and entry.before["vo_allowance_standard"] == 2
    page = text(administrator.get("/admin/prisons/LEI"))
    assert "Each prisoner gets the new figure at their next renewal." in page
    assert 'name="vo_allowance_enhanced" inputmode="numeric" value="4"' in page


@pytest.mark.parametrize("change, field, says", [
    ({"vo_allowance_basic": "1"}, "vo_allowance_basic", "statutory minimum"),
    ({"vo_allowance_enhanced": "0"}, "vo_allowance_enhanced", "statutory minimum"),
    ({"vo_allowance_standard": "31"}, "vo_allowance_standard", "from 2 to 30"),
    ({"vo_allowance_standard": "three"}, "vo_allowance_standard", "whole number"),
    ({"vo_allowance_enhanced": ""}, "vo_allowance_enhanced", "whole number")])
def test_bad_visiting_orders_are_explained_and_change_nothing(administrator, session, world,
                                                              change, field, says):
    response = administrator.post("/admin/prisons/LEI/visiting-orders", VISITING_ORDERS | change)

    page = text(response)
    assert response.status_code == 400 and f'href="#{field}"' in page and says in page
    assert f'id="{field}-error"' in page
    assert _visiting_orders(reread(session, world.leeds)) == (2, 2, 2)


def test_staff_cannot_change_the_visiting_orders(leeds_staff, session, world):
    assert leeds_staff.post("/admin/prisons/LEI/visiting-orders",
                            VISITING_ORDERS).status_code == 403
    assert _visiting_orders(reread(session, world.leeds)) == (2, 2, 2)
