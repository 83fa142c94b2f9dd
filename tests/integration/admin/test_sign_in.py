"""Signing in: argon2id passwords, the same answer for every failure, a new session, an idle
timeout, CSRF on every form, and cookies a browser keeps safe. The throttle on failures is in
test_sign_in_throttle.py."""
from __future__ import annotations

import re

from sqlalchemy import select

from config.app import create_app
from config.container import Container
from config.settings import from_environment
from core.models import AuditEvent, StaffUser
from core.sign_in import SIGN_IN_FAILED
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN

from .helpers import PASSWORD, Browser, text


def test_staff_sign_in_with_their_password(browser):
    response = browser.sign_in("leeds")
    assert response.headers["Location"].endswith("/admin/")
    page = browser.get("/admin/escalations")
    assert page.status_code == 200 and "leeds" in text(page)


def test_passwords_are_stored_as_argon2id(session, world):
    stored = session.scalar(select(StaffUser.password_hash).where(StaffUser.username == "leeds"))
    assert stored.startswith("$argon2id$") and "m=19456,t=2,p=1" in stored


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(browser):
    browser.get("/admin/sign-in")
    wrong = browser.post("/admin/sign-in", {"username": "leeds", "password": "nope"})
    unknown = browser.post("/admin/sign-in", {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert SIGN_IN_FAILED in text(wrong) and SIGN_IN_FAILED in text(unknown)


def test_signing_in_starts_a_new_session(browser, client):
    browser.get("/admin/sign-in")
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    browser.post("/admin/sign-in", {"username": "leeds", "password": PASSWORD})
    with client.session_transaction() as after:
        assert "planted" not in after and after["staff_id"]


def test_pages_need_a_signed_in_member_of_staff(app, client, world):
    paths = [rule.rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("admin.") and "GET" in rule.methods
             and rule.endpoint not in ("admin.sign_in", "admin.static")]
    assert len(paths) > 15
    for path in paths:
        path = re.sub(r"<int:\w+>", "1", path).replace("<code>", "LEI")
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/admin/sign-in" in response.headers["Location"], path


def test_the_page_asked_for_is_shown_after_signing_in_but_never_another_site(browser):
    browser.get("/admin/visitors?q=Sarah")
    response = browser.post("/admin/sign-in", {"username": "leeds", "password": PASSWORD,
                                               "next": "/admin/visitors?q=Sarah"})
    assert response.headers["Location"] == "/admin/visitors?q=Sarah"
    other = Browser(browser.client.application.test_client())
    other.get("/admin/sign-in")
    response = other.post("/admin/sign-in", {"username": "leeds", "password": PASSWORD,
                                             "next": "//evil.example/admin/"})
    assert response.headers["Location"] == "/admin/"


def test_an_idle_session_ends(leeds_staff, clock):
    assert leeds_staff.get("/admin/visits").status_code == 200
    clock.advance(minutes=29)
    assert leeds_staff.get("/admin/visits").status_code == 200
    clock.advance(minutes=31)
    response = leeds_staff.get("/admin/visits")
    assert response.status_code == 302 and "/admin/sign-in" in response.headers["Location"]
    assert "not used for a while" in text(leeds_staff.get("/admin/sign-in"))


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(leeds_staff, world,
                                                                       session):
    response = leeds_staff.client.post(f"/admin/visitors/{world.lead.id}/flags",
                                       data={"public_protection": "1"})
    assert response.status_code == 400 and "Please try again" in text(response)
    forged = leeds_staff.post(f"/admin/visitors/{world.lead.id}/flags",
                              {"public_protection": "1", "csrf_token": "forged"})
    assert forged.status_code == 400
    session.expire_all()
    assert not session.get(type(world.lead), world.lead.id).public_protection_flag


def test_sign_in_itself_needs_the_csrf_token(client, world):
    response = client.post("/admin/sign-in", data={"username": "leeds", "password": PASSWORD})
    assert response.status_code == 400


def test_signing_out_ends_the_session(leeds_staff):
    leeds_staff.post("/admin/sign-out")
    response = leeds_staff.get("/admin/visits")
    assert response.status_code == 302


def _session_cookie(browser) -> str:
    return browser.client.get_cookie("session").value


def test_a_cookie_captured_before_sign_out_is_refused_after_it(app, leeds_staff):
    captured = _session_cookie(leeds_staff)
    assert leeds_staff.post("/admin/sign-out").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", captured)
    response = thief.get("/admin/visits")
    assert response.status_code == 302 and "/admin/sign-in" in response.location


def test_a_signed_in_session_that_does_not_say_when_it_was_last_used_is_refused(
        leeds_staff):
    with leeds_staff.client.session_transaction() as cookie:
        del cookie["seen"]
    response = leeds_staff.client.get("/admin/visits")
    assert response.status_code == 302 and "/admin/sign-in" in response.location


def test_signing_out_leaves_the_same_members_other_browsers_signed_in(app, leeds_staff):
    other = Browser(app.test_client())
    other.sign_in("leeds")
    leeds_staff.post("/admin/sign-out")
    assert other.get("/admin/visits").status_code == 200


def test_signing_out_is_audited(session, world, leeds_staff):
    leeds_staff.post("/admin/sign-out")
    staff_id = session.scalar(select(StaffUser.id).where(StaffUser.username == "leeds"))
    assert "signed_out" in session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "staff", AuditEvent.entity_id == staff_id)).all()


def test_cookies_are_http_only_and_same_site_and_pages_are_not_cached(browser):
    response = browser.sign_in("leeds")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = browser.get("/admin/visits")
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_cookies_are_secure_outside_development_and_test(engine, session_factory, clock,
                                                         hasher, tmp_path):
    settings = from_environment({
        "VISITLINE_ENV": "production", "DATABASE_URL": "sqlite:///unused.sqlite",
        "SECRET_KEY": "s" * 40, "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_PHONE_NUMBER": "+447400000999"},
        instance=tmp_path)
    app = create_app(container=Container(settings=settings, engine=engine,
                                         session_factory=session_factory, clock=clock,
                                         hasher=hasher))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_twilio_webhooks_need_no_csrf_token(client, world):
    # Signed by Twilio instead: a request without a signature is refused by the guard (403),
    # never by CSRF (400).
    assert client.post("/sms/inbound", data={"Body": "HELP"}).status_code != 400


def test_the_lines_own_address_leads_staff_to_sign_in_and_back(client):
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/admin/")
    asked = client.get("/admin/")
    assert asked.status_code == 302
    assert asked.headers["Location"].endswith("/admin/sign-in?next=/admin/")
