"""The throttle on failed sign-ins: at most five in any 15 minutes for one username, and from
one client address; then sign-in is refused, with a clear message, until the oldest of the five
is 15 minutes old. Unknown usernames count like real ones."""
from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from config.db import make_engine
from core.models import AuditEvent, StaffUser
from core.models.records import SignInFailure
from core.sign_in import SIGN_IN_FAILED, TooManyFailures, authenticate
from core.staff import Invalid
from core.uow import UnitOfWork

from .helpers import PASSWORD, text

REFUSED = "Too many failed sign-ins"


def _try(browser, username: str, password: str, address: str = "198.51.100.1"):
    browser.get("/admin/sign-in")                    # the form, with this session's token
    return browser.post("/admin/sign-in", {"username": username, "password": password},
                        environ_base={"REMOTE_ADDR": address})


def _fail(browser, username: str, times: int, *, address: str | None = None):
    for n in range(times):
        response = _try(browser, username, "wrong", address or f"198.51.100.{10 + n}")
        assert response.status_code == 401


def test_five_failures_for_a_username_refuse_it_for_fifteen_minutes(browser, clock):
    _fail(browser, "leeds", 5)                       # each from a different address
    refused = _try(browser, "leeds", PASSWORD, "203.0.113.7")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert f"{REFUSED} for this username or from this computer. Try again in 15 minutes" \
        in text(refused)
    clock.advance(minutes=14, seconds=59)
    almost = _try(browser, "leeds", PASSWORD, "203.0.113.7")
    assert almost.status_code == 429 and "Try again in 1 minute," in text(almost)
    clock.advance(seconds=1)
    assert _try(browser, "leeds", PASSWORD, "203.0.113.7").status_code == 302


def test_five_failures_from_one_address_refuse_it_for_fifteen_minutes(browser, clock):
    for username in ("leeds", "cardiff", "nobody", "boss", "leeds"):
        assert _try(browser, username, "wrong", "198.51.100.99").status_code == 401
    assert _try(browser, "cardiff", PASSWORD, "198.51.100.99").status_code == 429
    assert _try(browser, "cardiff", PASSWORD, "203.0.113.8").status_code == 302
    clock.advance(minutes=15)
    assert _try(browser, "boss", PASSWORD, "198.51.100.99").status_code == 302


def test_an_unknown_username_is_refused_like_a_real_one(browser):
    _fail(browser, "nobody", 5)
    _fail(browser, "leeds", 5)
    unknown, known = _try(browser, "nobody", "x", "203.0.113.9"), \
        _try(browser, "leeds", "x", "203.0.113.9")
    assert unknown.status_code == known.status_code == 429
    assert text(unknown).replace("nobody", "leeds") == text(known).replace("nobody", "leeds")


def test_only_failures_inside_fifteen_minutes_count(browser, clock):
    _fail(browser, "leeds", 4)
    clock.advance(minutes=15)
    _fail(browser, "leeds", 1)
    assert _try(browser, "leeds", PASSWORD).status_code == 302


def test_refused_tries_are_not_counted(browser, clock):
    _fail(browser, "leeds", 5)
    for _ in range(3):
        clock.advance(minutes=4)
        assert _try(browser, "leeds", PASSWORD).status_code == 429
    clock.advance(minutes=3)                         # 15 minutes after the five
    assert _try(browser, "leeds", PASSWORD).status_code == 302


def test_signing_in_starts_the_usernames_count_again_but_not_the_addresss(browser, clock):
    _fail(browser, "leeds", 4, address="198.51.100.50")
    clock.advance(seconds=1)
    assert _try(browser, "leeds", PASSWORD, "198.51.100.50").status_code == 302
    clock.advance(seconds=1)
    _fail(browser, "leeds", 4, address="198.51.100.51")     # the username starts again
    assert _try(browser, "leeds", PASSWORD, "198.51.100.52").status_code == 302
    _fail(browser, "cardiff", 1, address="198.51.100.50")   # the address's fifth
    assert _try(browser, "boss", PASSWORD, "198.51.100.50").status_code == 429


def test_a_disabled_account_gets_the_same_answer_as_a_wrong_password(browser, session):
    session.query(StaffUser).filter_by(username="leeds").update({"active": False})
    session.commit()
    response = _try(browser, "leeds", PASSWORD)
    assert response.status_code == 401 and SIGN_IN_FAILED in text(response)


def test_throttling_a_real_account_is_in_its_audit_log(browser, session, world):
    _fail(browser, "leeds", 5)
    leeds = session.scalar(select(StaffUser).where(StaffUser.username == "leeds"))
    [event] = session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "staff", AuditEvent.entity_id == leeds.id,
        AuditEvent.action == "sign_in_throttled")).all()
    assert event.after == {"refused_until": "2026-12-01T10:15:00+00:00"}


def test_guesses_sent_at_once_are_counted_one_by_one(databases, backend, clock, hasher,
                                                     password_hash):
    """Ten wrong passwords for one account at the same moment: five are checked, and the
    other five are refused without their passwords being looked at."""
    engine = make_engine(databases.fresh_url(backend))
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        session.add(StaffUser(username="leeds", password_hash=password_hash, role="staff",
                              all_prisons=True, active=True))
        session.commit()
    outcomes, start = [], threading.Barrier(10)

    def guess(n: int) -> None:
        start.wait()
        try:
            with UnitOfWork(factory) as uow:
                authenticate(uow, clock, hasher, username="leeds", password=f"guess {n}",
                             client_address=f"198.51.100.{n}", dummy_hash=password_hash)
        except TooManyFailures:
            outcomes.append("refused")
        except Invalid:
            outcomes.append("checked")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with factory() as session:
        counted = session.scalar(select(func.count(SignInFailure.id)))
    engine.dispose()
    assert sorted(outcomes) == ["checked"] * 5 + ["refused"] * 5 and counted == 5
