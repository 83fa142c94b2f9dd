"""Deny by default: staff of one prison neither see nor change another's; staff cannot reach
the administrators' pages."""
from __future__ import annotations

import pytest

from core.models import Escalation, PrisonerNotice

from .helpers import reread, text

ADMIN_PAGES = ["/admin/prisons", "/admin/prisons/LEI", "/admin/operations", "/admin/staff"]
ADMIN_FORMS = [
    ("/admin/prisons/LEI/settings", {"min_notice_days": "1", "max_advance_days": "20",
                                     "adult_age": "16", "reminder_offsets": "48"}),
    ("/admin/prisons/LEI/sessions", {"weekday": "1", "start": "09:00", "end": "10:00",
                                     "valid_from": "2026-12-01", "open_tables": "5",
                                     "closed_tables": "0", "kind": "social"}),
    ("/admin/prisons/LEI/closures", {"first_date": "2026-12-03", "reason": "lockdown"}),
    ("/admin/prisons/LEI/closures/check", {"first_date": "2026-12-03", "reason": "lockdown"}),
    ("/admin/staff", {"username": "sneaky", "password": "x" * 20, "role": "admin"}),
    ("/admin/operations/messages/1/retry", {}),
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_staff_cannot_reach_administrator_pages(leeds_staff, administrator, path):
    assert leeds_staff.get(path).status_code == 403
    assert administrator.get(path).status_code == 200


@pytest.mark.parametrize("path, form", ADMIN_FORMS)
def test_staff_cannot_use_administrator_forms(leeds_staff, session, world, path, form):
    before = (world.leeds.min_notice_days, len(world.leeds.templates))
    assert leeds_staff.post(path, form).status_code == 403
    prison = reread(session, world.leeds)
    assert (prison.min_notice_days, len(prison.templates)) == before
    assert "sneaky" not in text(leeds_staff.get("/admin/visits"))


def test_staff_see_only_their_prisons_lists(leeds_staff):
    for page in ("visits", "requests", "waiting-list", "notices", "feedback"):
        assert leeds_staff.get(f"/admin/{page}?prison=LEI").status_code == 200
        assert leeds_staff.get(f"/admin/{page}?prison=CFI").status_code == 403
        assert "HMP Cardiff" not in text(leeds_staff.get(f"/admin/{page}"))
    assert leeds_staff.get("/admin/visits.csv?prison=CFI").status_code == 403
    assert leeds_staff.get("/admin/visits/print?prison=CFI").status_code == 403


def test_staff_cannot_see_or_cancel_another_prisons_booking(leeds_staff, session,
                                                            cardiff_booking):
    assert leeds_staff.get(f"/admin/bookings/{cardiff_booking.id}").status_code == 403
    found = leeds_staff.get(f"/admin/bookings?q={cardiff_booking.reference}")
    assert cardiff_booking.reference not in text(found).split("</form>")[-1]
    for action in ("cancel", "approve", "reject"):
        response = leeds_staff.post(f"/admin/bookings/{cardiff_booking.id}/{action}",
                                    {"reason": "because"})
        assert response.status_code == 403
    assert reread(session, cardiff_booking).status == "booked"


def test_staff_cannot_book_for_another_prisons_prisoner(leeds_staff, session, world):
    page = leeds_staff.get(f"/admin/bookings/new?prisoner={world.other_prisoner.number}")
    assert "no prisoner with that number at your prisons" in text(page)
    assert world.other_lead.name not in text(page)


def test_staff_cannot_see_or_change_another_prisons_visitor(leeds_staff, session, world):
    assert leeds_staff.get(f"/admin/visitors/{world.other_lead.id}").status_code == 403
    assert world.other_lead.name not in text(leeds_staff.get("/admin/visitors?q=Price"))
    for action, form in (("flags", {"public_protection": "1"}), ("pin", {"pin": "1234"}),
                         ("ban", {"indefinitely": "1", "reason": "x"}), ("unlock", {}),
                         ("approve", {"prisoner_number": "A1234BC", "relationship": "x"})):
        response = leeds_staff.post(f"/admin/visitors/{world.other_lead.id}/{action}", form)
        assert response.status_code == 403, action
    visitor = reread(session, world.other_lead)
    assert not visitor.public_protection_flag and visitor.banned_until is None
    assert visitor.pin_hash is None


def test_staff_cannot_approve_a_visitor_for_another_prisons_prisoner(leeds_staff, world):
    response = leeds_staff.post(f"/admin/visitors/{world.lead.id}/approve",
                                {"prisoner_number": world.other_prisoner.number,
                                 "relationship": "friend"})
    assert response.status_code == 400
    assert "no prisoner with that number at your prisons" in text(response)


def test_staff_neither_see_nor_answer_another_prisons_callbacks(leeds_staff, cardiff_staff,
                                                                session, clock, world):
    theirs = Escalation(kind="callback", from_phone="+447400223344", prison_id=world.cardiff.id,
                        created_at=clock.now())
    session.add(theirs)
    session.commit()
    assert "+447400223344" not in text(leeds_staff.get("/admin/escalations"))
    assert "+447400223344" in text(cardiff_staff.get("/admin/escalations"))
    response = leeds_staff.post(f"/admin/escalations/{theirs.id}/called-back",
                                {"outcome": "spoke to her"})
    assert response.status_code == 403
    assert reread(session, theirs).status == "open"


def test_staff_cannot_mark_another_prisons_notice_delivered(leeds_staff, session, clock,
                                                            world):
    notice = PrisonerNotice(prison_id=world.cardiff.id, prisoner_id=world.other_prisoner.id,
                            text="visit cancelled", created_at=clock.now())
    session.add(notice)
    session.commit()
    assert leeds_staff.post(f"/admin/notices/{notice.id}/delivered").status_code == 403
    assert reread(session, notice).delivered_at is None


def test_staff_for_every_prison_see_every_prison(app, session, world, password_hash):
    from .conftest import add_staff
    from .helpers import Browser
    add_staff(session, "roving", password_hash, all_prisons=True)
    session.commit()
    roving = Browser(app.test_client())
    roving.sign_in("roving")
    assert roving.get("/admin/visits?prison=CFI").status_code == 200
    assert roving.get("/admin/prisons").status_code == 403


def test_a_disabled_account_is_signed_out_at_once(leeds_staff, session):
    from sqlalchemy import update
    from core.models import StaffUser
    session.execute(update(StaffUser).where(StaffUser.username == "leeds").values(active=False))
    session.commit()
    assert leeds_staff.get("/admin/visits").status_code == 302


@pytest.mark.parametrize("kind", ["callback", "queued"])
def test_a_known_callers_call_from_the_general_number_goes_to_their_prisoners_prisons(
        leeds_staff, cardiff_staff, administrator, session, clock, world, kind):
    # Sarah is approved only for a Leeds prisoner; she rang the line's general number.
    hers = Escalation(kind=kind, from_phone=world.lead.phone, prison_id=None,
                      visitor_id=world.lead.id, created_at=clock.now(),
                      recording_url="https://api.twilio.com/rec/sarah")
    session.add(hers)
    session.commit()
    cardiff_page = text(cardiff_staff.get("/admin/escalations"))
    assert world.lead.phone not in cardiff_page and "Sarah Hughes" not in cardiff_page
    assert "rec/sarah" not in cardiff_page
    response = cardiff_staff.post(f"/admin/escalations/{hers.id}/called-back",
                                  {"outcome": "spoke to her"})
    assert response.status_code == 403
    assert reread(session, hers).status == "open"
    for allowed in (leeds_staff, administrator):
        page = text(allowed.get("/admin/escalations"))
        assert world.lead.phone in page and "Sarah Hughes" in page


def test_a_known_number_not_yet_identified_goes_to_its_visitors_prisons(
        leeds_staff, cardiff_staff, session, clock, world):
    # Sarah's number rang the general number and went to staff before a PIN was confirmed.
    unconfirmed = Escalation(kind="callback", from_phone=world.lead.phone, prison_id=None,
                             visitor_id=None, created_at=clock.now(),
                             reason="phone self-service locked")
    session.add(unconfirmed)
    session.commit()
    assert world.lead.phone not in text(cardiff_staff.get("/admin/escalations"))
    assert world.lead.phone in text(leeds_staff.get("/admin/escalations"))
    response = cardiff_staff.post(f"/admin/escalations/{unconfirmed.id}/called-back",
                                  {"outcome": "spoke to her"})
    assert response.status_code == 403


def test_an_unknown_callers_callback_is_shown_to_every_member_of_staff(
        leeds_staff, cardiff_staff, session, clock, world):
    unknown = Escalation(kind="callback", from_phone="+447400999111", prison_id=None,
                         visitor_id=None, created_at=clock.now())
    session.add(unknown)
    session.commit()
    for staff in (leeds_staff, cardiff_staff):
        assert "+447400999111" in text(staff.get("/admin/escalations"))
    response = cardiff_staff.post(f"/admin/escalations/{unknown.id}/called-back",
                                  {"outcome": "wrong number"})
    assert response.status_code == 302
    assert reread(session, unknown).status == "done"


def test_a_visitors_audit_log_shows_no_link_to_another_prisons_prisoner(
        leeds_staff, cardiff_staff, administrator, world):
    # An administrator approves Sarah (a Leeds visitor) for a Cardiff prisoner too.
    approved = administrator.post(f"/admin/visitors/{world.lead.id}/approve",
                                  {"prisoner_number": world.other_prisoner.number,
                                   "relationship": "cousin"})
    assert approved.status_code == 302
    leeds_staff.post(f"/admin/visitors/{world.lead.id}/approve",
                     {"prisoner_number": world.prisoner.number, "relationship": "sister"})
    leeds_page = text(leeds_staff.get(f"/admin/visitors/{world.lead.id}"))
    assert world.prisoner.number in leeds_page and "sister" in leeds_page
    assert world.other_prisoner.number not in leeds_page and "cousin" not in leeds_page
    cardiff_page = text(cardiff_staff.get(f"/admin/visitors/{world.lead.id}"))
    assert world.other_prisoner.number in cardiff_page and "cousin" in cardiff_page
    assert world.prisoner.number not in cardiff_page and "sister" not in cardiff_page
    boss_page = text(administrator.get(f"/admin/visitors/{world.lead.id}"))
    assert world.prisoner.number in boss_page and world.other_prisoner.number in boss_page
