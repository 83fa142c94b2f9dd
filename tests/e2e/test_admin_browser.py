"""A member of staff's day in a real browser: sign in, find the day's visits, cancel a booking,
answer a callback, approve a request, add a closure."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from config.app import create_app
from config.container import build
from config.settings import from_environment
from core.actor import Actor
from core.booking import book_visit
from core.clock import FixedClock
from core.models import Booking, Escalation, StaffUser, VisitSlot
from core.slots import ensure_visit_slots
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
THU = date(2026, 12, 3)
PASSWORD = "a browser's long password"


@pytest.fixture
def line(databases, hasher, tmp_path):
    """The app over a fresh database: one prison, a booking, a request and a callback."""
    settings = from_environment({"VISITLINE_ENV": "test", "SECRET_KEY": "e" * 40,
                                 "DATABASE_URL": databases.fresh_url("sqlite")},
                                instance=tmp_path)
    container = build(settings, clock=FixedClock(NOW))
    container.hasher = hasher
    with container.session() as session:
        prison = create_prison(session, code="LEI", name="HMP Leeds")
        for weekday in range(7):
            create_template(session, prison, weekday=weekday, start=time(14), end=time(16))
        prisoner = create_prisoner(session, prison, number="A1234BC", first_name="Daniel",
                                   last_name="Hughes")
        other = create_prisoner(session, prison, number="B2345CD", first_name="Lee",
                                last_name="Cole")
        sarah = create_visitor(session, first_name="Sarah", last_name="Hughes",
                               phone="+447400123456")
        flagged = create_visitor(session, first_name="Jo", last_name="Cole",
                                 phone="+447400654321", public_protection_flag=True)
        approve(session, prisoner, sarah, relationship="wife")
        approve(session, other, flagged, relationship="sister")
        session.add(StaffUser(username="boss", password_hash=hasher.hash(PASSWORD),
                              role="admin", all_prisons=True, active=True))
        session.add(Escalation(kind="callback", from_phone="+447400777888",
                               prison_id=prison.id, created_at=NOW, reason="callback"))
        ensure_visit_slots(session, prison, container.clock)
        session.commit()
        slot_id = session.scalar(select(VisitSlot.id).where(VisitSlot.date == THU))
        ids = (prisoner.id, sarah.id, other.id, flagged.id)
    for prisoner_id, visitor_id in ((ids[0], ids[1]), (ids[2], ids[3])):
        with container.uow() as uow:
            book_visit(uow, container.clock, slot_id=slot_id, prisoner_id=prisoner_id,
                       visitor_ids=[visitor_id], actor=Actor.visitor(visitor_id, "phone"))
    yield container
    container.engine.dispose()


def test_a_day_on_the_staff_pages(line, serve, chromium_page):
    page = chromium_page
    with serve(create_app(container=line)) as served:
        _sign_in(page, served.url + "/admin/visits")

        # The day's visits.
        page.get_by_label("Date").fill(THU.isoformat())
        page.get_by_role("button", name="Show").click()
        listed = page.locator("main").inner_text()
        assert "Daniel Hughes" in listed and "Sarah Hughes (lead)" in listed
        assert "Lee Cole" in listed and "requested" in listed

        # Cancel Sarah's booking.
        reference = _reference(line, "Daniel")
        page.get_by_role("link", name=reference).click()
        page.get_by_label("Reason for cancelling").fill("visitor phoned in sick")
        page.get_by_role("button", name="Cancel visit").click()
        assert "Cancelled." in page.locator("[role=status]").inner_text()
        assert _status(line, reference) == "cancelled"

        # Answer the callback.
        page.get_by_role("link", name="Callbacks").click()
        page.get_by_label("What came of the call").fill("called back, booked for Friday")
        page.get_by_role("button", name="Mark called back").click()
        assert "Marked as called back." in page.locator("[role=status]").inner_text()
        assert "+447400777888" not in page.locator("main").inner_text()

        # Approve the request.
        request_reference = _reference(line, "Lee")
        page.get_by_role("link", name="Requests").click()
        page.get_by_role("link", name=request_reference).click()
        page.get_by_role("button", name="Approve").click()
        assert "Approved." in page.locator("[role=status]").inner_text()
        assert _status(line, request_reference) == "booked"

        # Close the prison on Thursday: the approved visit is listed, then cancelled.
        page.get_by_role("link", name="Prisons").click()
        page.get_by_role("link", name="HMP Leeds").click()
        page.get_by_label("First date closed").fill(THU.isoformat())
        page.get_by_label("Reason (visitors are told it)").fill("staff training")
        page.get_by_role("button", name="Check which bookings this affects").click()
        assert request_reference in page.locator("main").inner_text()
        page.get_by_role("button", name="Confirm closure").click()
        assert "1 booking(s) cancelled" in page.locator("[role=status]").inner_text()
        assert _status(line, request_reference) == "cancelled"


def _sign_in(page, url: str) -> None:
    """Open a staff page: asked to sign in first, as the administrator, then shown it."""
    page.goto(url)
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url)


def _reference(container, prisoner_first_name: str) -> str:
    from core.models import Prisoner
    with container.session() as session:
        return session.scalar(select(Booking.reference).join(
            Prisoner, Prisoner.id == Booking.prisoner_id).where(
            Prisoner.first_name == prisoner_first_name))


def _status(container, reference: str) -> str:
    with container.session() as session:
        return session.scalar(select(Booking.status).where(Booking.reference == reference))


def test_an_administrator_manages_staff_accounts(line, serve, chromium_page):
    page = chromium_page
    with serve(create_app(container=line)) as served:
        _sign_in(page, served.url + "/admin/staff")

        # Add an account for HMP Leeds.
        page.get_by_label("Username").fill("clerk")
        page.get_by_label("Password (at least 12 characters)").fill("first long password")
        page.get_by_label("HMP Leeds").check()
        page.get_by_role("button", name="Create account").click()
        assert "Account clerk created." in page.locator("[role=status]").inner_text()

        # Reset its password, then disable it.
        page.get_by_role("link", name="clerk").click()
        page.get_by_label("New password (at least 12 characters)").fill("second long password")
        page.get_by_role("button", name="Reset password").click()
        assert "Password reset" in page.locator("[role=status]").inner_text()
        page.get_by_role("button", name="Disable clerk").click()
        assert "Account disabled" in page.locator("[role=status]").inner_text()
        log = page.locator("table.audit").inner_text()
        assert "staff_disabled" in log and "staff_password_reset" in log
        assert "$argon2" not in page.content()

        # The disabled account cannot sign in.
        page.get_by_role("button", name="Sign out").click()
        page.get_by_label("Username").fill("clerk")
        page.get_by_label("Password").fill("second long password")
        page.get_by_role("button", name="Sign in").click()
        assert "The username or password is not right." in page.locator(
            "[role=alert]").inner_text()
    with line.session() as session:
        clerk = session.scalar(select(StaffUser).where(StaffUser.username == "clerk"))
        assert not clerk.active and clerk.password_hash.startswith("$argon2id$")
