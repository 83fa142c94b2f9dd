"""Recording on the visits list whether each visit's party came ("Arrived" / "Did not come")."""
from __future__ import annotations

import csv
import io

import pytest

from core.models import ATTENDED, BOOKED, NO_SHOW

from .helpers import THU_3_DEC, Browser, reread, text

LIST = f"/admin/visits?prison=LEI&date={THU_3_DEC}"


@pytest.fixture
def at_the_session(app, session, clock, leeds_booking) -> Browser:
    """Leeds staff signed in once the booked visit's session has started."""
    clock.set(reread(session, leeds_booking).slot.starts_at)
    staff = Browser(app.test_client())
    staff.sign_in("leeds")
    staff.get(LIST)
    return staff


def _record(staff, booking, outcome, **extra):
    return staff.post(f"/admin/visits/{booking.id}/attendance", {"outcome": outcome, **extra})


def test_staff_record_that_the_visitors_arrived(at_the_session, session, leeds_booking):
    response = _record(at_the_session, leeds_booking, ATTENDED)
    assert response.status_code == 302 and f"date={THU_3_DEC}" in response.location
    assert reread(session, leeds_booking).status == ATTENDED
    page = text(at_the_session.get(LIST))
    assert "Recorded: the visitors for" in page and "arrived" in page


def test_a_no_show_is_shown_on_the_list_and_in_the_csv(at_the_session, session, leeds_booking):
    _record(at_the_session, leeds_booking, NO_SHOW)
    assert reread(session, leeds_booking).status == NO_SHOW
    page = text(at_the_session.get(LIST))
    assert '<span class="tag">did not come</span>' in page
    assert 'value="no_show"' not in page          # no buttons once recorded
    rows = list(csv.DictReader(io.StringIO(text(at_the_session.get(
        f"/admin/visits.csv?prison=LEI&date={THU_3_DEC}")))))
    assert {row["status"] for row in rows} == {NO_SHOW}


def test_attendance_buttons_appear_only_once_the_session_has_started(leeds_staff,
                                                                     leeds_booking):
    page = text(leeds_staff.get(LIST))
    assert leeds_booking.reference in page and 'value="attended"' not in page


def test_recording_before_the_session_starts_is_refused(leeds_staff, session, leeds_booking):
    response = _record(leeds_staff, leeds_booking, ATTENDED)
    assert response.status_code == 400 and "has not started yet" in text(response)
    assert reread(session, leeds_booking).status == BOOKED


def test_attendance_needs_the_forms_csrf_token(at_the_session, session, leeds_booking):
    response = _record(at_the_session, leeds_booking, ATTENDED, csrf_token="forged")
    assert response.status_code == 400
    assert reread(session, leeds_booking).status == BOOKED


def test_staff_cannot_record_attendance_at_another_prison(app, session, clock, cardiff_booking):
    clock.set(reread(session, cardiff_booking).slot.starts_at)
    staff = Browser(app.test_client())
    staff.sign_in("leeds")
    assert _record(staff, cardiff_booking, NO_SHOW).status_code == 403
    assert reread(session, cardiff_booking).status == BOOKED


def test_an_unknown_outcome_is_refused(at_the_session, session, leeds_booking):
    assert _record(at_the_session, leeds_booking, "cancelled").status_code == 400
    assert reread(session, leeds_booking).status == BOOKED
