"""Staff accounts (administrators): list them, add one, disable and enable one, reset a
password. Every change is in the account's audit log; stored hashes are never shown."""
from __future__ import annotations

from sqlalchemy import select

from core.models import AuditEvent, StaffUser

from .helpers import PASSWORD, Browser, text

NEW_PASSWORD = "a brand new long password"


def _account(session, username: str) -> StaffUser:
    session.expire_all()
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def _actions(session, account: StaffUser) -> list[tuple[str, str]]:
    return [(e.action, e.actor) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "staff",
                                 AuditEvent.entity_id == account.id,
                                 AuditEvent.action != "signed_in")
        .order_by(AuditEvent.id))]


def _signs_in(app, username: str, password: str) -> int:
    b = Browser(app.test_client())
    b.get("/admin/sign-in")
    return b.post("/admin/sign-in", {"username": username, "password": password}).status_code


def test_administrators_see_every_account_and_never_a_password_hash(administrator, session):
    page = text(administrator.get("/admin/staff"))
    for username in ("leeds", "cardiff", "boss"):
        assert username in page
    assert "HMP Leeds" in page and "$argon2" not in page
    leeds = _account(session, "leeds")
    account_page = text(administrator.get(f"/admin/staff/{leeds.id}"))
    assert "Disable leeds" in account_page and "$argon2" not in account_page
    assert leeds.password_hash not in account_page


def test_add_an_account_which_can_then_sign_in(administrator, app, session, world):
    response = administrator.post("/admin/staff", {
        "username": "New.Clerk", "password": NEW_PASSWORD, "role": "staff",
        "prisons": str(world.cardiff.id)})
    assert response.status_code == 302
    assert "Account new.clerk created." in text(administrator.get("/admin/staff"))
    made = _account(session, "new.clerk")
    assert [p.prison_id for p in made.prisons] == [world.cardiff.id]
    assert _actions(session, made) == [("staff_created", f"staff:{_account(session, 'boss').id}")]
    assert _signs_in(app, "new.clerk", NEW_PASSWORD) == 302


def test_a_bad_new_account_is_explained_and_not_made(administrator, session):
    for form, said in (({"username": "leeds"}, "That username is taken."),
                       ({"password": "too short"}, "at least 12 characters"),
                       ({"all_prisons": ""}, "Choose the prisons")):
        response = administrator.post("/admin/staff", {
            "username": "clerk", "password": NEW_PASSWORD, "role": "staff",
            "all_prisons": "1"} | form)
        assert response.status_code == 400 and said in text(response)
    assert _account(session, "clerk") is None


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end_at_the_next_request(
        administrator, leeds_staff, app, session):
    leeds = _account(session, "leeds")
    assert leeds_staff.get("/admin/visits").status_code == 200
    response = administrator.post(f"/admin/staff/{leeds.id}/disable")
    assert response.status_code == 302
    assert "Account disabled" in text(administrator.get(response.headers["Location"]))
    signed_out = leeds_staff.get("/admin/visits")
    assert signed_out.status_code == 302 and "/admin/sign-in" in signed_out.headers["Location"]
    assert _signs_in(app, "leeds", PASSWORD) == 401
    assert not _account(session, "leeds").active
    boss = f"staff:{_account(session, 'boss').id}"
    assert _actions(session, leeds) == [("staff_disabled", boss)]


def test_an_enabled_account_signs_in_again_but_its_old_sessions_stay_ended(
        administrator, leeds_staff, app, session):
    leeds = _account(session, "leeds")
    administrator.post(f"/admin/staff/{leeds.id}/disable")
    assert administrator.post(f"/admin/staff/{leeds.id}/enable").status_code == 302
    assert leeds_staff.get("/admin/visits").status_code == 302
    assert _signs_in(app, "leeds", PASSWORD) == 302
    assert [a for a, _ in _actions(session, leeds)] == ["staff_disabled", "staff_enabled"]


def test_disabling_twice_changes_nothing_more(administrator, session):
    leeds = _account(session, "leeds")
    administrator.post(f"/admin/staff/{leeds.id}/disable")
    again = administrator.post(f"/admin/staff/{leeds.id}/disable")
    assert again.status_code == 400 and "already disabled" in text(again)
    assert [a for a, _ in _actions(session, leeds)] == ["staff_disabled"]


def test_an_administrator_cannot_disable_their_own_account(administrator, session):
    boss = _account(session, "boss")
    response = administrator.post(f"/admin/staff/{boss.id}/disable")
    assert response.status_code == 400 and "cannot disable your own account" in text(response)
    assert _account(session, "boss").active
    assert administrator.get("/admin/staff").status_code == 200


def test_a_password_reset_ends_the_accounts_sessions_and_only_the_new_password_works(
        administrator, leeds_staff, app, session):
    leeds = _account(session, "leeds")
    old_hash = leeds.password_hash
    response = administrator.post(f"/admin/staff/{leeds.id}/password",
                                  {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert leeds_staff.get("/admin/visits").status_code == 302
    assert _signs_in(app, "leeds", PASSWORD) == 401
    assert _signs_in(app, "leeds", NEW_PASSWORD) == 302
    stored = _account(session, "leeds").password_hash
    assert stored != old_hash and stored.startswith("$argon2id$")
    [event] = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff_password_reset")).all()
    assert event.entity_id == leeds.id and "$argon2" not in str(event.after)
    assert stored not in text(administrator.get(f"/admin/staff/{leeds.id}"))


def test_a_short_new_password_is_explained_and_changes_nothing(administrator, leeds_staff,
                                                               session):
    leeds = _account(session, "leeds")
    response = administrator.post(f"/admin/staff/{leeds.id}/password", {"password": "short"})
    assert response.status_code == 400 and 'href="#password"' in text(response)
    assert _account(session, "leeds").password_hash == leeds.password_hash
    assert leeds_staff.get("/admin/visits").status_code == 200


def test_resetting_your_own_password_keeps_you_signed_in(administrator, app, session):
    boss = _account(session, "boss")
    assert administrator.post(f"/admin/staff/{boss.id}/password",
                              {"password": NEW_PASSWORD}).status_code == 302
    assert administrator.get("/admin/staff").status_code == 200
    assert _signs_in(app, "boss", NEW_PASSWORD) == 302


def test_staff_cannot_see_or_change_accounts(leeds_staff, session):
    cardiff = _account(session, "cardiff")
    assert leeds_staff.get(f"/admin/staff/{cardiff.id}").status_code == 403
    for action, form in (("disable", {}), ("password", {"password": NEW_PASSWORD})):
        assert leeds_staff.post(f"/admin/staff/{cardiff.id}/{action}", form).status_code == 403
    account = _account(session, "cardiff")
    assert account.active and account.password_hash == cardiff.password_hash


def test_account_forms_need_their_csrf_token(administrator, session):
    leeds = _account(session, "leeds")
    for action in ("disable", "password"):
        response = administrator.client.post(f"/admin/staff/{leeds.id}/{action}",
                                             data={"password": NEW_PASSWORD})
        assert response.status_code == 400 and "Please try again" in text(response)
    account = _account(session, "leeds")
    assert account.active and account.password_hash == leeds.password_hash


def test_an_unknown_account_or_action_is_refused(administrator, session):
    assert administrator.get("/admin/staff/99999").status_code == 403
    leeds = _account(session, "leeds")
    assert administrator.post(f"/admin/staff/{leeds.id}/promote").status_code == 404
