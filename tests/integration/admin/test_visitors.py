"""Visitor records: register, approve for a prisoner, ban, flag, PIN and lockout, each audited;
bad input on every form is explained and changes nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.models import ApprovedVisitor, AuditEvent, Visitor

from .helpers import reread, text

GOOD = {"first_name": "Tom", "last_name": "Reed", "date_of_birth": "1980-02-03",
        "phone": "07400 111222", "id_checked": "1", "language": "en"}


def _visitors(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Visitor.id)))


def test_register_a_visitor(leeds_staff, session, hasher):
    response = leeds_staff.post("/admin/visitors/new", GOOD | {"pin": "2468"})
    assert response.status_code == 302
    made = session.scalar(select(Visitor).where(Visitor.last_name == "Reed"))
    assert made.phone == "+447400111222" and made.id_status == "checked"
    assert hasher.verify(made.pin_hash, "2468")
    assert session.scalar(select(AuditEvent.action).where(
        AuditEvent.entity == "visitor", AuditEvent.entity_id == made.id)) == "registered"


@pytest.mark.parametrize("change, field", [
    ({"first_name": ""}, "first_name"), ({"date_of_birth": "2030-01-01"}, "date_of_birth"),
    ({"date_of_birth": "03/02/1980"}, "date_of_birth"), ({"phone": "12345"}, "phone"),
    ({"pin": "12"}, "pin"), ({"professional_role": "spy"}, "professional_role"),
])
def test_bad_registrations_are_explained_and_store_nothing(leeds_staff, session, change, field):
    before = _visitors(session)
    response = leeds_staff.post("/admin/visitors/new", GOOD | change)
    assert response.status_code == 400
    assert f'href="#{field}"' in text(response) and "There is a problem" in text(response)
    assert _visitors(session) == before


def test_add_to_a_prisoners_approved_list(leeds_staff, session, world):
    leeds_staff.post("/admin/visitors/new", GOOD)
    made = session.scalar(select(Visitor).where(Visitor.last_name == "Reed"))
    response = leeds_staff.post(f"/admin/visitors/{made.id}/approve",
                                {"prisoner_number": "a1234bc", "relationship": "brother"})
    assert response.status_code == 302
    link = session.scalar(select(ApprovedVisitor).where(ApprovedVisitor.visitor_id == made.id))
    assert link.prisoner_id == world.prisoner.id and link.relationship_to_prisoner == "brother"
    # Now linked to Leeds, Cardiff staff no longer see him.
    cardiff = leeds_staff.client.application.test_client()
    from .helpers import Browser
    other = Browser(cardiff)
    other.sign_in("cardiff")
    assert other.get(f"/admin/visitors/{made.id}").status_code == 403


def test_approval_needs_a_prisoner_and_relationship(leeds_staff, session, world):
    for form in ({"prisoner_number": "NOPE", "relationship": "x"},
                 {"prisoner_number": "A1234BC", "relationship": ""}):
        assert leeds_staff.post(f"/admin/visitors/{world.lead.id}/approve",
                                form).status_code == 400
    session.expire_all()
    assert session.scalar(select(func.count(ApprovedVisitor.id))) == 3


def test_ban_until_a_date_and_lift_it(leeds_staff, session, world):
    until = date(2027, 1, 4)
    assert leeds_staff.post(f"/admin/visitors/{world.lead.id}/ban",
                            {"until": until.isoformat(), "reason": "smuggling"}).status_code == 302
    visitor = reread(session, world.lead)
    assert visitor.banned_until == until and visitor.ban_reason == "smuggling"
    assert "banned until" in text(leeds_staff.get(f"/admin/visitors/{world.lead.id}"))
    leeds_staff.post(f"/admin/visitors/{world.lead.id}/lift-ban")
    assert reread(session, world.lead).banned_until is None


@pytest.mark.parametrize("form", [{"until": "2026-11-01", "reason": "x"},
                                  {"until": "2027-01-04", "reason": ""},
                                  {"until": "soon", "reason": "x"}, {"reason": "x"}])
def test_bad_bans_are_explained_and_change_nothing(leeds_staff, session, world, form):
    response = leeds_staff.post(f"/admin/visitors/{world.lead.id}/ban", form)
    assert response.status_code == 400 and "There is a problem" in text(response)
    assert reread(session, world.lead).banned_until is None


def test_flags_and_id_status(leeds_staff, session, world):
    leeds_staff.post(f"/admin/visitors/{world.lead.id}/flags", {"public_protection": "1"})
    assert reread(session, world.lead).public_protection_flag
    leeds_staff.post(f"/admin/visitors/{world.lead.id}/flags", {})
    assert not reread(session, world.lead).public_protection_flag
    assert leeds_staff.post(f"/admin/visitors/{world.lead.id}/id-status",
                            {"id_status": "lost"}).status_code == 400
    leeds_staff.post(f"/admin/visitors/{world.lead.id}/id-status", {"id_status": "checked"})
    assert reread(session, world.lead).id_status == "checked"
    page = text(leeds_staff.get(f"/admin/visitors/{world.lead.id}"))
    assert "flags_changed" in page and "id_status_changed" in page and "staff:" in page


def test_reset_pin_and_lockout(leeds_staff, session, clock, world, hasher):
    assert leeds_staff.post(f"/admin/visitors/{world.lead.id}/pin",
                            {"pin": "12a4"}).status_code == 400
    assert reread(session, world.lead).pin_hash is None
    leeds_staff.post(f"/admin/visitors/{world.lead.id}/pin", {"pin": "9753"})
    assert hasher.verify(reread(session, world.lead).pin_hash, "9753")
    world.lead.phone_locked_until = clock.now() + timedelta(hours=1)
    session.commit()
    assert "locked until" in text(leeds_staff.get(f"/admin/visitors/{world.lead.id}"))
    leeds_staff.post(f"/admin/visitors/{world.lead.id}/unlock")
    assert reread(session, world.lead).phone_locked_until is None
    log = text(leeds_staff.get(f"/admin/visitors/{world.lead.id}"))
    assert "pin_reset" in log and "lockout_reset" in log and "9753" not in log


def test_an_unknown_visitor_action_is_not_found(leeds_staff, world):
    assert leeds_staff.post(f"/admin/visitors/{world.lead.id}/delete").status_code == 404
