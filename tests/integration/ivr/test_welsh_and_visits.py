"""Welsh calls (keypad only, Polly.Gwyneth), and hearing and cancelling booked visits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.models import BOOKED, CANCELLED, Booking, OutboundMessage, PrisonerNotice
from tests.support.call_walker import gather_step, phone

from .conftest import LEAD_PHONE, UNKNOWN_PHONE, WELSH_PHONE, book, identify, slot_on, spoken

THURSDAY = date(2026, 12, 3)


def test_a_welsh_visitor_hears_welsh_and_books_by_keypad(client, session, world):
    call = phone(client, WELSH_PHONE)
    call.start()
    assert call.heard[0].text == "Croeso i linell drefnu ymweliadau carchar."
    assert (call.heard[0].voice, call.heard[0].language) == ("Polly.Gwyneth", "cy-GB")
    assert (call.heard[1].text, call.heard[1].voice) == ("For English, press 9.", "Polly.Amy")
    call.wait()
    heard = call.press("4321#")
    assert heard[0] == "Helo Cerys."
    gather = call.last_gather
    assert gather.get("input") == "dtmf" and gather.get("language") == "cy-GB"
    assert gather.get("hints") is None
    call.press("1")
    heard = call.press("1")
    assert heard[0].startswith("Rydych yn trefnu ymweliad â Owain Price yn Carchar Caerdydd")
    heard = call.press("1")
    assert heard[0] == "Mae eich ymweliad wedi'i drefnu."
    booking = session.scalars(select(Booking)).one()
    assert heard[1] == f"Eich cyfeirnod yw {spoken(booking.reference)}."
    assert {m.language for m in session.scalars(select(OutboundMessage))} == {"cy"}


def test_welsh_speech_is_not_listened_for_so_words_go_unheard(client, world):
    call = phone(client, WELSH_PHONE)
    call.start()
    call.wait()
    call.press("4321#")
    heard = call.say("archebu")
    assert heard[0] == "Mae'n ddrwg gen i, ni chlywais ddim."


def test_the_language_key_switches_to_english(client, world):
    call = phone(client, WELSH_PHONE)
    call.start()
    heard = call.press("9")
    assert heard[0].startswith("To confirm who you are")
    assert call.last_gather.get("input") == "dtmf speech"


def test_a_number_for_a_welsh_prison_greets_in_welsh(client, world):
    call = phone(client, UNKNOWN_PHONE, entry="/ivr/voice?prison=CFI")
    heard = call.start()
    assert heard[0] == "Croeso i linell drefnu ymweliadau Carchar Caerdydd."
    heard = call.wait()
    assert heard[0] == "Nid ydym yn adnabod y rhif rydych yn ffonio ohono."


def test_hearing_and_cancelling_a_visit(call, session, world, uow_factory, clock):
    slot = slot_on(session, clock, world.prison, THURSDAY)
    booking_id, reference = book(uow_factory, clock, slot, world.prisoner, [world.lead])
    identify(call)
    heard = call.press("2")
    assert heard[0] == (f"Visit 1: Thursday 3 December at 14:00, Daniel Hughes at HMP Leeds. "
                        f"Reference {spoken(reference)}.")
    call.press("1")
    assert gather_step(call) == "cancel"
    heard = call.press("1")
    assert heard[0] == ("Your visit on Thursday 3 December is cancelled and the place released. "
                        "We will text you to confirm.")
    booking = session.get(Booking, booking_id)
    session.refresh(booking)
    assert booking.status == CANCELLED and booking.decided_by == f"visitor:{world.lead.id}"
    assert session.scalars(select(PrisonerNotice)).one().booking_id == booking_id
    session.refresh(slot)
    assert slot.open_taken == 0


def test_keeping_a_visit(call, session, world, uow_factory, clock):
    slot = slot_on(session, clock, world.prison, THURSDAY)
    booking_id, _ = book(uow_factory, clock, slot, world.prisoner, [world.lead])
    identify(call)
    call.say("my visits")
    call.press("1")
    heard = call.say("no")
    assert heard[0] == "Your visit has not been changed."
    assert session.get(Booking, booking_id).status == BOOKED


def test_no_visits_booked(call, world):
    identify(call)
    heard = call.press("2")
    assert heard[0] == "You have no visits booked."
    assert gather_step(call) == "menu"
