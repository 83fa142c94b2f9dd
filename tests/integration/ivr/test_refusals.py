"""Every refusal the core can give a phone booking is spoken with its reason, then what the
caller can do instead (another date, the waiting list, staff, the main menu)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.models import HELD, LAPSED, Booking, Hold, WaitingListEntry
from tests.support.call_walker import gather_step, phone
from tests.support.factories import approve, create_prisoner, create_template, create_visitor, \
    non_associate

from .conftest import LEAD_PHONE, book, fill, identify, slot_on

THURSDAY = date(2026, 12, 3)


def _to_dates(call):
    identify(call)
    call.press("1")
    return call.press("9")          # nobody else coming


def _key_date(call, ddmm: str):
    _to_dates(call)
    call.press("9")
    return call.press(ddmm + "#")


def _options(heard):
    return [h for h in heard if h.startswith(("To choose another date", "To join the waiting",
                                              "To speak to staff", "For the main menu"))]


def test_no_visiting_order_left(call, session, world):
    world.prisoner.vo_balance = 0
    session.commit()
    heard = _to_dates(call)
    assert heard[0] == ("The prisoner has no visiting orders left. The next one is due on "
                        "Monday 14 December.")
    assert gather_step(call) == "refused"
    assert _options(heard) == ["To speak to staff, press 0.", "For the main menu, press 8."]
    call.press("8")
    assert gather_step(call) == "menu"


def test_a_date_outside_the_booking_window(call, world):
    heard = _key_date(call, "2001")   # 20 January: more than 28 days ahead
    assert heard[0] == ("Visits can be booked from Thursday 3 December up to "
                        "Tuesday 29 December.")
    assert _options(heard)[0] == "To choose another date, press 1."
    call.press("1")
    assert gather_step(call) == "date"


def test_a_banned_visitor_is_told_until_when(call, session, world):
    world.lead.banned_until = date(2026, 12, 10)
    session.commit()
    heard = _key_date(call, "0412")
    assert heard[0] == "Sarah Hughes cannot visit before Thursday 10 December."


def test_a_visitor_banned_indefinitely_is_offered_staff_not_another_date(call, session, world):
    world.lead.banned_until = date(9999, 12, 31)
    session.commit()
    heard = _to_dates(call)
    assert heard[0] == "Sarah Hughes cannot visit. Please speak to staff."
    assert "To choose another date, press 1." not in heard
    call.press("0")
    assert call.queued       # put through to staff (staffed hours)


def test_a_closed_visit_with_no_closed_table(call, session, world):
    world.prisoner.closed_visits_only = True
    session.commit()
    slot = slot_on(session, call_clock(call), world.prison, THURSDAY)
    slot.closed_tables = 0
    session.commit()
    heard = _key_date(call, "0312")
    assert heard[0].startswith("Only a closed visit is possible, because of a restriction on "
                               "the prisoner")


def test_a_closed_visit_is_read_back_as_closed(call, session, world):
    world.prisoner.closed_visits_only = True
    session.commit()
    _to_dates(call)
    heard = call.press("1")
    assert "It will be a closed visit, because of a restriction on the prisoner." in heard
    call.press("1")
    assert session.scalars(select(Booking)).one().closed


def test_non_association(call, session, world, uow_factory, clock):
    rival = create_prisoner(session, world.prison, number="C3456DE", first_name="Jordan")
    other_visitor = create_visitor(session, first_name="Angela", phone="+447400100004")
    approve(session, rival, other_visitor)
    non_associate(session, world.prisoner, rival)
    session.commit()
    book(uow_factory, clock, slot_on(session, clock, world.prison, THURSDAY), rival,
         [other_visitor])
    heard = _key_date(call, "0312")
    assert heard[0] == "The prisoner cannot have a visit on that day. Please choose another day."


def test_the_prisoner_already_has_a_visit_in_that_session(call, session, world, uow_factory,
                                                          clock):
    friend = create_visitor(session, first_name="Lee", phone="+447400100002")
    approve(session, world.prisoner, friend)
    session.commit()
    book(uow_factory, clock, slot_on(session, clock, world.prison, THURSDAY), world.prisoner,
         [friend])
    heard = _key_date(call, "0312")
    assert heard[0] == "The prisoner already has a visit in that session."


def test_remand_weekly_limit(call, session, world, uow_factory, clock):
    world.prisoner.legal_status = "remand"
    world.prison.remand_visits_per_week = 1
    session.commit()
    book(uow_factory, clock, slot_on(session, clock, world.prison, date(2026, 12, 8)),
         world.prisoner, [world.lead])
    heard = _key_date(call, "0912")
    assert heard[0].startswith("The prisoner already has 1 visits that week")


def test_a_visitor_not_on_the_approved_list(client, session, world, pin_hash):
    stranger = create_visitor(session, first_name="Kim", phone="+447400777111",
                              pin_hash=pin_hash)
    session.commit()
    call = phone(client, stranger.phone)
    identify(call)
    call.press("1")
    assert gather_step(call) == "prisoner_number"
    call.press("1234#")
    heard = call.press("1")
    assert heard[0] == "Kim Turner is not on the prisoner's approved visitor list."


def test_a_lead_visitor_under_18(client, session, world, pin_hash):
    teen = create_visitor(session, first_name="Jay", phone="+447400777222", pin_hash=pin_hash,
                          date_of_birth=date(2010, 1, 1))
    approve(session, world.prisoner, teen)
    session.commit()
    call = phone(client, teen.phone)
    identify(call)
    heard = call.press("1")
    heard = call.press("9") if gather_step(call) == "party" else heard
    assert heard[0].startswith("The person booking must be 18 or over")


def test_a_full_day_offers_the_waiting_list(call, session, world, clock):
    fill(session, slot_on(session, clock, world.prison, THURSDAY))
    heard = _key_date(call, "0312")
    assert heard[0] == "Every session on Thursday 3 December is full."
    assert gather_step(call) == "wait_session"
    heard = call.press("1")
    assert heard[0].startswith("You are on the waiting list for Thursday 3 December at 14:00.")
    entry = session.scalars(select(WaitingListEntry)).one()
    assert entry.prisoner_id == world.prisoner.id and entry.party_ids() == [world.lead.id]


def test_the_last_table_taken_while_choosing(call, session, world, clock):
    _to_dates(call)
    call.press("3")                 # Saturday 5 December: two sessions
    assert gather_step(call) == "session"
    fill(session, slot_on(session, clock, world.prison, date(2026, 12, 5), hour=9))
    heard = call.press("1")
    assert heard[0] == ("That session is full. You can choose another session or join the "
                        "waiting list.")
    assert "To join the waiting list for this session, press 3." in heard
    call.press("3")
    assert session.scalars(select(WaitingListEntry)).one().slot_id == slot_on(
        session, clock, world.prison, date(2026, 12, 5), hour=9).id


def test_too_long_to_confirm(call, session, world, clock):
    _to_dates(call)
    call.press("1")
    clock.advance(minutes=11)
    heard = call.press("1")
    assert heard[0] == ("The time to confirm ran out and the place was released. "
                        "Please choose again.")
    assert session.scalars(select(Hold)).one().status == LAPSED
    assert session.scalars(select(Booking)).first() is None


def call_clock(call):
    from flask import current_app  # noqa: F401 - the clock is the app's, shared with the test
    return call.transport.client.application.extensions["visitline"].clock


def test_a_banned_companion_can_be_left_out(call, session, world):
    friend = create_visitor(session, first_name="Lee", last_name="Cole", phone="",
                            banned_until=date(9999, 12, 31), date_of_birth=date(1960, 1, 1))
    approve(session, world.prisoner, friend)
    session.commit()
    identify(call)
    call.press("1")
    heard = call.press("1#")          # Lee (the eldest)
    assert heard[0] == "Lee Cole cannot visit. Please speak to staff."
    assert "To choose again who is coming, press 2." in heard
    call.press("2")
    assert gather_step(call) == "party"
    call.press("2#")                  # Mia
    call.press("1")
    call.press("1")
    assert [v.first_name for v in session.scalars(select(Booking)).one().visitors] == \
        ["Sarah", "Mia"]
