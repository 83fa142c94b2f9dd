"""Every command texted to the line, in English and Welsh, from the right number and the wrong
one, through signed webhooks: cancel by reference, opt-out and opt-in keywords, help, visits,
and anything else."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from config.app import create_app
from core import catalogue
from core.models import (Booking, InboundMessage, OutboundMessage, PhoneOptOut, Prisoner,
                         PrisonerNotice, VisitSlot)
from core.reference import written

from .conftest import (LEAD_PHONE, MEMBER_PHONE, STRANGER_PHONE, UNKNOWN_PHONE, WELSH_PHONE,
                       reply, text)


def spaced(reference: str) -> str:
    return f"{reference[:3]} {reference[3:6]} {reference[6:]}"


def dashed(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:8]}-{reference[8]}"


def mistyped(reference: str) -> str:
    wrong = str((int(reference[4]) + 1) % 10)
    return reference[:4] + wrong + reference[5:]


def status_of(session, booking) -> str:
    session.expire_all()
    return session.get(Booking, booking.id).status


def texts_about(session, booking, kind: str) -> list[OutboundMessage]:
    return list(session.scalars(select(OutboundMessage).where(
        OutboundMessage.booking_id == booking.id, OutboundMessage.kind == kind)))


def opted_out(session, phone: str) -> bool | None:
    session.expire_all()
    row = session.get(PhoneOptOut, phone)
    return None if row is None else row.opted_out


@pytest.fixture
def quiet_twilio_off(container):
    """The line with Twilio's own keyword handling turned off: the line answers keywords."""
    settings = dataclasses.replace(container.settings, twilio_default_keywords=False)
    return create_app(container=dataclasses.replace(container, settings=settings)).test_client()


@pytest.mark.parametrize("typed", [str, spaced, dashed, lambda r: f"  cancel   {spaced(r)} "])
def test_cancel_with_reference_from_the_lead_does_what_a_phone_cancel_does(
        client, session, world, typed):
    session.expire_all()
    slot_taken = session.get(VisitSlot, world.slot.id).open_taken
    balance = session.get(Prisoner, world.prisoner.id).vo_balance
    answer = reply(text(client, f"CANCEL {typed(world.booking.reference)}"))
    assert status_of(session, world.booking) == "cancelled"
    assert answer == ""                     # the cancellation text (outbox) confirms it
    [confirmation] = texts_about(session, world.booking, "cancellation")
    assert confirmation.to_phone == LEAD_PHONE and written(world.booking.reference) in confirmation.body
    assert session.get(VisitSlot, world.slot.id).open_taken == slot_taken - 1
    assert session.get(Prisoner, world.prisoner.id).vo_balance == balance + 1
    assert session.scalars(select(PrisonerNotice).where(
        PrisonerNotice.booking_id == world.booking.id)).one()
    assert {m.status for m in texts_about(session, world.booking, "reminder")} == {"withdrawn"}


def test_a_party_member_with_her_own_phone_can_cancel_and_is_answered(client, session, world):
    answer = reply(text(client, f"cancel {world.booking.reference}", from_=MEMBER_PHONE))
    assert status_of(session, world.booking) == "cancelled"
    assert answer == catalogue.render("reply_cancelled", "en",
                                      reference=written(world.booking.reference))
    assert texts_about(session, world.booking, "cancellation")[0].to_phone == LEAD_PHONE


@pytest.mark.parametrize("phone", [STRANGER_PHONE, UNKNOWN_PHONE, WELSH_PHONE])
def test_another_number_cannot_cancel_and_learns_nothing(client, session, world, phone):
    refused = reply(text(client, f"CANCEL {world.booking.reference}", from_=phone))
    # The same answer as for a reference that exists nowhere.
    nowhere = reply(text(client, "CANCEL 000 000 000", from_=phone))
    assert refused == nowhere
    assert refused in (catalogue.render("booking_not_found", "en"),
                       catalogue.render("booking_not_found", "cy"))
    assert world.booking.reference not in refused
    assert status_of(session, world.booking) == "booked"
    assert texts_about(session, world.booking, "cancellation") == []


def test_a_mistyped_reference_is_caught_by_its_check_digit(client, session, world):
    answer = reply(text(client, f"CANCEL {mistyped(world.booking.reference)}"))
    assert answer == catalogue.render("invalid_reference", "en")
    assert status_of(session, world.booking) == "booked"


def test_a_second_cancel_changes_nothing_and_sends_nothing(client, session, world):
    text(client, f"CANCEL {world.booking.reference}")
    answer = reply(text(client, f"CANCEL {world.booking.reference}"))
    assert answer == catalogue.render("reply_already_ended", "en",
                                      reference=written(world.booking.reference))
    assert len(texts_about(session, world.booking, "cancellation")) == 1


def test_cancel_with_words_but_no_reference_explains_how(client, session, world):
    assert reply(text(client, "cancel my visit please")) == catalogue.render("reply_cancel_how")
    assert opted_out(session, LEAD_PHONE) is None


@pytest.mark.parametrize("word", ["CANCEL", "cancel", " Cancel "])
def test_a_bare_cancel_is_an_opt_out_never_a_cancellation(client, session, world, word):
    answer = reply(text(client, word))
    assert status_of(session, world.booking) == "booked"
    assert opted_out(session, LEAD_PHONE) is True
    assert answer == ""                    # Twilio answers its own keyword


def test_a_bare_cancel_is_answered_by_the_line_when_twilio_does_not(quiet_twilio_off, session,
                                                                    world):
    answer = reply(text(quiet_twilio_off, "CANCEL"))
    assert answer == catalogue.render("reply_opted_out", "en")
    assert status_of(session, world.booking) == "booked"


# Welsh

def test_canslo_with_reference_cancels_in_welsh(client, session, world):
    answer = reply(text(client, f"Canslo {dashed(world.welsh_booking.reference)}",
                        from_=WELSH_PHONE))
    assert status_of(session, world.welsh_booking) == "cancelled"
    assert answer == ""
    [confirmation] = texts_about(session, world.welsh_booking, "cancellation")
    assert confirmation.language == "cy" and confirmation.body.startswith("Ymweliad")


def test_canslo_from_another_number_is_refused_in_welsh(client, session, world):
    answer = reply(text(client, f"CANSLO {world.welsh_booking.reference}", from_=STRANGER_PHONE))
    assert answer == catalogue.render("booking_not_found", "cy")
    assert status_of(session, world.welsh_booking) == "booked"


def test_a_bare_canslo_explains_how_in_welsh_and_is_no_opt_out(client, session, world):
    assert reply(text(client, "canslo", from_=WELSH_PHONE)) == catalogue.render(
        "reply_cancel_how", "cy")
    assert opted_out(session, WELSH_PHONE) is None
    assert status_of(session, world.welsh_booking) == "booked"


def test_a_mistyped_reference_in_welsh(client, world):
    answer = reply(text(client, f"CANSLO {mistyped(world.welsh_booking.reference)}",
                        from_=WELSH_PHONE))
    assert answer == catalogue.render("invalid_reference", "cy")


# Opt-out and opt-in

@pytest.mark.parametrize("word", ["STOP", "stopall", "Unsubscribe", "END", "quit", "REVOKE",
                                  "OPTOUT"])
def test_every_opt_out_keyword_is_recorded_and_answered_once(client, session, world, word):
    assert reply(text(client, word)) == ""
    assert opted_out(session, LEAD_PHONE) is True
    assert session.get(PhoneOptOut, LEAD_PHONE).keyword == word.upper()


@pytest.mark.parametrize("word", ["START", "unstop", "YES"])
def test_every_opt_in_keyword_is_recorded(client, session, world, word):
    text(client, "STOP")
    assert reply(text(client, word)) == ""
    assert opted_out(session, LEAD_PHONE) is False


def test_the_line_answers_opt_out_and_opt_in_itself_when_twilio_does_not(quiet_twilio_off,
                                                                         session, world):
    assert reply(text(quiet_twilio_off, "stop")) == catalogue.render("reply_opted_out", "en")
    assert reply(text(quiet_twilio_off, "start")) == catalogue.render("reply_opted_in", "en")
    assert opted_out(session, LEAD_PHONE) is False


def test_stopio_and_dechrau_in_welsh_are_answered_by_the_line(client, session, world):
    assert reply(text(client, "Stopio", from_=WELSH_PHONE)) == catalogue.render(
        "reply_opted_out", "cy")
    assert opted_out(session, WELSH_PHONE) is True
    assert reply(text(client, "DECHRAU", from_=WELSH_PHONE)) == catalogue.render(
        "reply_opted_in", "cy")
    assert opted_out(session, WELSH_PHONE) is False


def test_an_opt_out_from_a_number_no_visitor_has_is_still_honoured(client, session, world):
    text(client, "STOP", from_=UNKNOWN_PHONE)
    assert opted_out(session, UNKNOWN_PHONE) is True


# Help, visits, anything else

def test_help_is_left_to_twilio_and_cymorth_answered_in_welsh(client, world):
    assert reply(text(client, "HELP")) == ""
    assert reply(text(client, "info")) == ""
    assert reply(text(client, "cymorth")) == catalogue.render("reply_help", "cy")


def test_help_is_answered_by_the_line_when_twilio_does_not(quiet_twilio_off, world):
    assert reply(text(quiet_twilio_off, "help")) == catalogue.render("reply_help", "en")


def test_visits_lists_the_senders_upcoming_visits(client, world):
    answer = reply(text(client, "visits"))
    assert answer.startswith("Your visits: ")
    assert written(world.booking.reference) in answer and "HMP Leeds" in answer
    assert "Thursday 10 December 14:00" in answer
    assert written(world.welsh_booking.reference) not in answer


def test_ymweliadau_lists_them_in_welsh(client, world):
    answer = reply(text(client, "Ymweliadau", from_=WELSH_PHONE))
    assert answer.startswith("Eich ymweliadau: ")
    assert written(world.welsh_booking.reference) in answer and "dydd Iau 10 Rhagfyr" in answer


def test_visits_from_a_number_with_none_or_unknown(client, world):
    assert reply(text(client, "VISITS", from_=STRANGER_PHONE)) == catalogue.render(
        "reply_no_visits")
    assert reply(text(client, "VISITS", from_=UNKNOWN_PHONE)) == catalogue.render(
        "reply_unknown_number")


def test_a_welsh_speakers_visits_in_english_are_answered_in_her_language(client, world):
    assert reply(text(client, "VISITS", from_=WELSH_PHONE)).startswith("Eich ymweliadau")


@pytest.mark.parametrize("body", ["hello", "what time is my visit?", "", "7", "📅"])
def test_anything_else_gets_a_short_help_and_is_kept(client, session, world, body):
    answer = reply(text(client, body))
    assert answer == catalogue.render("reply_not_understood", "en")
    stored = session.scalars(select(InboundMessage).where(
        InboundMessage.from_phone == LEAD_PHONE)).one()
    assert stored.body == body and stored.outcome == "not_understood"
    assert stored.reply == answer and stored.handled_at is not None
