"""Whole booking calls, keypad and speech, walked through signed webhook requests."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from core.models import BOOKED, HELD, RELEASED, REQUESTED, Booking, Hold, OutboundMessage, \
    Visitor
from core.optouts import record_opt_out
from core.reference import written
from tests.support.call_walker import gather_step, phone
from tests.support.factories import approve, create_template, create_visitor

from .conftest import LEAD_PHONE, SOLICITOR_PHONE, identify, spoken


def test_a_visit_booked_by_keypad(call, session, world):
    assert "Hello Sarah." in identify(call)
    heard = call.press("1")
    assert gather_step(call) == "party"
    assert "For Mia, press 1." in heard
    heard = call.press("1#")
    assert gather_step(call) == "date"
    assert heard[1:4] == ["For Thursday 3 December, press 1.", "For Friday 4 December, press 2.",
                          "For Saturday 5 December, press 3."]
    heard = call.press("1")
    assert gather_step(call) == "confirm"
    readback = " ".join(heard)
    assert ("a visit to Daniel Hughes at HMP Leeds on Thursday 3 December from 14:00 to 16:00, "
            "for Sarah Hughes and Mia Hughes.") in readback
    assert "The place is held for you for 10 minutes." in readback
    assert session.scalars(select(Hold)).one().status == HELD
    heard = call.press("1")
    assert gather_step(call) == "after"
    booking = session.scalars(select(Booking)).one()
    assert booking.status == BOOKED and booking.channel == "phone"
    assert [v.first_name for v in booking.visitors] == ["Sarah", "Mia"]
    assert heard[:5] == ["Your visit is booked.", f"Your reference is {spoken(booking.reference)}.",
                         f"Again, your reference is {spoken(booking.reference)}.",
                         f"Bring {world.prison.id_requirements}, and arrive 45 minutes before "
                         "the visit.", "We will text you the details, with what to bring."]
    text = session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == "confirmation")).one()
    assert text.booking_id == booking.id and written(booking.reference) in text.body
    call.wait()
    assert call.ended and "Thank you for calling. Goodbye." in call.said()


def test_a_caller_who_cannot_be_texted_hears_what_to_bring_and_to_note_the_reference(
        call, session, clock, world):
    record_opt_out(session, clock, LEAD_PHONE, "STOP")
    session.commit()
    identify(call)
    call.press("1")
    call.press("1#")
    call.press("1")
    heard = call.press("1")
    assert f"Bring {world.prison.id_requirements}, and arrive 45 minutes before the visit." \
        in heard
    assert "We cannot text this number, so please write down your reference now." in heard
    assert "We will text you the details, with what to bring." not in heard


def test_a_visit_booked_by_speech(call, session, world):
    identify(call)
    call.say("I'd like to book a visit")
    assert gather_step(call) == "party"
    call.say("Mia")
    assert gather_step(call) == "date"
    heard = call.say("the 4th of December please")
    assert gather_step(call) == "confirm"
    assert "on Friday 4 December from 14:00" in " ".join(heard)
    call.say("yes")
    assert session.scalars(select(Booking)).one().slot.date == date(2026, 12, 4)


def test_every_english_menu_listens_for_speech_with_hints(call, world):
    identify(call)
    gather = call.last_gather
    assert gather.get("input") == "dtmf speech"
    assert "book a visit" in gather.get("hints")
    assert gather.get("language") == "en-GB"


def test_a_keyed_date_and_a_choice_of_sessions(call, session, world):
    identify(call)
    call.press("1")
    call.press("9")             # nobody else
    call.press("9")             # key a date
    assert gather_step(call) == "date_entry"
    heard = call.press("0512#")  # Saturday 5 December: a morning and an afternoon session
    assert gather_step(call) == "session"
    assert heard == ["On Saturday 5 December you can visit:", "From 09:30 to 11:30, press 1.",
                     "From 14:00 to 16:00, press 2."]
    call.press("1")
    call.press("1")
    booking = session.scalars(select(Booking)).one()
    assert booking.slot.starts_at.hour == 9 and [v.id for v in booking.visitors] == \
        [world.lead.id]


def test_choosing_again_releases_the_held_table(call, session, world):
    identify(call)
    call.press("1")
    call.press("9")
    call.press("2")
    hold = session.scalars(select(Hold)).one()
    taken = hold.slot.open_taken
    heard = call.press("2")
    assert gather_step(call) == "date"
    session.refresh(hold)
    session.refresh(hold.slot)
    assert hold.status == RELEASED and hold.slot.open_taken == taken - 1
    assert "The soonest dates with places are:" in heard


def test_a_large_family_takes_two_tables(client, session, world, pin_hash):
    grown = [create_visitor(session, first_name=name, phone="", date_of_birth=date(1995, 1, 1))
             for name in ("Gary", "Chelsea", "Dean")]
    for visitor in grown:
        approve(session, world.prisoner, visitor, relationship="family")
    session.commit()
    call = phone(client, LEAD_PHONE)
    identify(call)
    call.press("1")
    heard = call.press("123#")    # Gary, Chelsea, Dean (eldest first): four adults
    assert gather_step(call) == "date", heard
    heard = call.press("1")
    assert "Your party will have two tables." in heard
    call.press("1")
    booking = session.scalars(select(Booking)).one()
    assert booking.tables == 2 and booking.status == BOOKED and len(booking.visitors) == 4


def test_a_large_family_where_the_prison_seats_one_table_is_a_request(client, session, world):
    world.prison.allows_two_tables = False
    for name in ("Gary", "Chelsea", "Dean"):
        approve(session, world.prisoner, create_visitor(
            session, first_name=name, phone="", date_of_birth=date(1995, 1, 1)))
    session.commit()
    call = phone(client, LEAD_PHONE)
    identify(call)
    call.press("1")
    call.press("123#")
    heard = call.press("1")
    assert any("Staff must approve this visit first" in h for h in heard)
    heard = call.press("1")
    assert heard[0].startswith("Your visit request has gone to staff. It is not booked yet")
    booking = session.scalars(select(Booking)).one()
    assert booking.status == REQUESTED
    assert session.scalars(select(OutboundMessage)).one().kind == "request_received"


def test_a_professional_visitor_books_a_legal_visit_by_prison_number(client, session, world):
    call = phone(client, SOLICITOR_PHONE)
    identify(call)
    call.press("1")
    assert gather_step(call) == "prisoner_number"
    heard = call.press("1234#")
    assert gather_step(call) == "prisoner"
    assert "For Daniel Hughes at HMP Leeds, press 1." in heard
    heard = call.press("1")
    assert gather_step(call) == "date"
    assert "For Thursday 3 December, press 1." in heard   # the only professional session day
    heard = call.press("1")
    assert "from 09:30 to 11:00, for Ruth Okafor." in " ".join(heard)
    assert "It uses one of the prisoner's visiting orders." not in heard
    call.press("1")
    booking = session.scalars(select(Booking)).one()
    assert booking.kind == "professional" and not booking.uses_vo


def test_a_prison_number_can_be_said(client, session, world):
    call = phone(client, SOLICITOR_PHONE)
    identify(call)
    call.say("book")
    heard = call.say("A one two three four B C")
    assert "For Daniel Hughes at HMP Leeds, press 1." in heard


def test_a_visitor_approved_for_two_prisoners_chooses_one(client, session, world):
    from tests.support.factories import create_prisoner
    other = create_prisoner(session, world.prison, number="B2345CD", first_name="Marcus",
                            last_name="Reid", legal_status="remand")
    approve(session, other, world.lead, relationship="friend")
    session.commit()
    call = phone(client, LEAD_PHONE)
    identify(call)
    heard = call.press("1")
    assert gather_step(call) == "prisoner"
    assert heard[1:3] == ["For Daniel Hughes at HMP Leeds, press 1.",
                          "For Marcus Reid at HMP Leeds, press 2."]
    call.press("2")
    assert gather_step(call) == "date"
