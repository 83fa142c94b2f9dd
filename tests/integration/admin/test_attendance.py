"""Recording on the visits list whether each visit's party came ("Arrived" / "Did not come"),
and correcting that record until the end of the day after the visit (or of the day it was
recorded, if later)."""
from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

import pytest

from core.actor import Actor
from core.attendance import record_attendance
from core.clock import LONDON
from core.models import ATTENDED, BOOKED, NO_SHOW
from core.scheduling import request_feedback

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


# Correcting a recorded attendance on the visits list.

CORRECT_TO_NO_SHOW = 'value="no_show" aria-label="Correct to did not come'


def _correct(staff, booking, outcome, **extra):
    return staff.post(f"/admin/visits/{booking.id}/attendance/correction",
                      {"outcome": outcome, **extra})


def _signed_in_on(app, clock, day_after_visit: int, hour: int) -> Browser:
    """Leeds staff signed in afresh at hour:00 (London), this many days after the visit."""
    day = THU_3_DEC + timedelta(days=day_after_visit)
    clock.set(datetime.combine(day, time(hour), tzinfo=LONDON))
    staff = Browser(app.test_client())
    staff.sign_in("leeds")
    staff.get(LIST)
    return staff


def test_staff_correct_a_no_show_to_arrived(at_the_session, session, leeds_booking):
    _record(at_the_session, leeds_booking, NO_SHOW)
    response = _correct(at_the_session, leeds_booking, ATTENDED)
    assert response.status_code == 302 and f"date={THU_3_DEC}" in response.location
    assert reread(session, leeds_booking).status == ATTENDED
    page = text(at_the_session.get(LIST))
    assert f"Corrected: the visitors for {leeds_booking.reference} arrived." in page


def test_the_list_offers_a_correction_once_attendance_is_recorded(at_the_session,
                                                                  leeds_booking):
    assert CORRECT_TO_NO_SHOW not in text(at_the_session.get(LIST))
    _record(at_the_session, leeds_booking, ATTENDED)
    page = text(at_the_session.get(LIST))
    assert f'/admin/visits/{leeds_booking.id}/attendance/correction' in page
    assert CORRECT_TO_NO_SHOW in page


def test_a_correction_is_offered_until_the_end_of_the_day_after_the_visit(
        app, at_the_session, clock, leeds_booking):
    _record(at_the_session, leeds_booking, ATTENDED)
    assert CORRECT_TO_NO_SHOW in text(_signed_in_on(app, clock, 1, 23).get(LIST))
    assert CORRECT_TO_NO_SHOW not in text(_signed_in_on(app, clock, 2, 0).get(LIST))


def test_a_correction_after_the_day_after_the_visit_is_refused(app, at_the_session, session,
                                                               clock, leeds_booking):
    _record(at_the_session, leeds_booking, ATTENDED)
    response = _correct(_signed_in_on(app, clock, 2, 9), leeds_booking, NO_SHOW)
    assert response.status_code == 400
    assert "too late to correct" in text(response) and "Friday 4 December" in text(response)
    assert reread(session, leeds_booking).status == ATTENDED


def test_a_late_record_is_offered_a_correction_until_the_end_of_the_day_it_was_recorded(
        app, clock, leeds_booking):
    _record(_signed_in_on(app, clock, 2, 10), leeds_booking, ATTENDED)    # on the Saturday
    assert CORRECT_TO_NO_SHOW in text(_signed_in_on(app, clock, 2, 23).get(LIST))
    assert CORRECT_TO_NO_SHOW not in text(_signed_in_on(app, clock, 3, 0).get(LIST))


def test_a_late_record_is_corrected_the_same_day_and_refused_the_next(app, session, clock,
                                                                      leeds_booking):
    staff = _signed_in_on(app, clock, 2, 10)
    _record(staff, leeds_booking, ATTENDED)
    assert _correct(staff, leeds_booking, NO_SHOW).status_code == 302
    response = _correct(_signed_in_on(app, clock, 3, 9), leeds_booking, ATTENDED)
    assert response.status_code == 400
    assert "too late to correct" in text(response) and "Saturday 5 December" in text(response)
    assert reread(session, leeds_booking).status == NO_SHOW


def test_correcting_a_visit_not_recorded_is_refused(at_the_session, session, leeds_booking):
    response = _correct(at_the_session, leeds_booking, NO_SHOW)
    assert response.status_code == 400 and "can be corrected" in text(response)
    assert reread(session, leeds_booking).status == BOOKED


def test_a_correction_needs_the_forms_csrf_token(at_the_session, session, leeds_booking):
    _record(at_the_session, leeds_booking, NO_SHOW)
    response = _correct(at_the_session, leeds_booking, ATTENDED, csrf_token="forged")
    assert response.status_code == 400
    assert reread(session, leeds_booking).status == NO_SHOW


def test_staff_cannot_correct_attendance_at_another_prison(app, session, clock, uow_factory,
                                                           cardiff_booking):
    clock.set(reread(session, cardiff_booking).slot.starts_at)
    with uow_factory() as uow:
        record_attendance(uow, clock, booking_id=cardiff_booking.id, outcome=NO_SHOW,
                          actor=Actor.staff(99))
    staff = Browser(app.test_client())
    staff.sign_in("leeds")
    assert _correct(staff, cardiff_booking, ATTENDED).status_code == 403
    assert reread(session, cardiff_booking).status == NO_SHOW


def test_a_correction_to_did_not_come_says_the_feedback_request_was_withdrawn(
        app, at_the_session, session, clock, uow_factory, leeds_booking):
    _record(at_the_session, leeds_booking, ATTENDED)
    clock.set(reread(session, leeds_booking).slot.ends_at + timedelta(hours=1))
    with uow_factory() as uow:
        assert request_feedback(uow, clock) == 1
    staff = Browser(app.test_client())
    staff.sign_in("leeds")
    staff.get(LIST)
    assert _correct(staff, leeds_booking, NO_SHOW).status_code == 302
    assert "feedback request, not yet sent, has been withdrawn" in text(staff.get(LIST))
