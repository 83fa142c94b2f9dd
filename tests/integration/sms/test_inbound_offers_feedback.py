"""Answers to what the line asked: BOOK / YES / ARCHEBU / IE or NO / NA to a waiting-list offer,
and a rating or a comment after a feedback request."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core import catalogue
from core.actor import Actor
from core.cancel import cancel_booking
from core.models import Booking, Feedback, OutboundMessage, Visitor, WaitingListEntry
from core.outbox import text_about_booking
from core.waiting_list import join_waiting_list
from tests.support.factories import approve, create_prisoner, create_visitor

from .conftest import LEAD_PHONE, STRANGER_PHONE, WELSH_PHONE, reply, text

WAITER_PHONE = "+447400777001"


@dataclass
class Offer:
    entry: WaitingListEntry
    waiter: Visitor


@pytest.fixture
def offer(session, uow_factory, clock, world) -> Offer:
    """The session is full; a family waits; the booking is cancelled: the place is offered."""
    other = create_prisoner(session, world.prison, number="B1111BB")
    waiter = create_visitor(session, first_name="Wyn", phone=WAITER_PHONE)
    approve(session, other, waiter)
    session.commit()
    with uow_factory() as uow:
        entry = join_waiting_list(uow, clock, slot_id=world.slot.id, prisoner_id=other.id,
                                  visitor_ids=[waiter.id], actor=Actor.visitor(waiter.id, "sms"))
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=world.booking.id,
                       actor=Actor.visitor(world.lead.id, "sms"))
    session.expire_all()
    assert session.get(WaitingListEntry, entry.id).status == "offered"
    return Offer(entry, waiter)


def entry_status(session, offer) -> str:
    session.expire_all()
    return session.get(WaitingListEntry, offer.entry.id).status


@pytest.mark.parametrize("word", ["BOOK", "book", "Archebu", "IE", "yes"])
def test_book_or_yes_takes_the_place_on_offer(client, session, offer, word):
    assert reply(text(client, word, from_=WAITER_PHONE)) == ""   # the confirmation text follows
    assert entry_status(session, offer) == "booked"
    booking = session.get(Booking, session.get(WaitingListEntry, offer.entry.id).booking_id)
    assert booking.status == "booked" and booking.channel == "sms"
    confirmation = session.scalars(select(OutboundMessage).where(
        OutboundMessage.booking_id == booking.id, OutboundMessage.kind == "confirmation")).one()
    assert confirmation.to_phone == WAITER_PHONE


@pytest.mark.parametrize("word, language", [("NO", "en"), ("no", "en"), ("Na", "cy")])
def test_no_passes_the_place_on(client, session, offer, word, language):
    answer = reply(text(client, word, from_=WAITER_PHONE))
    assert answer == catalogue.render("offer_declined", language)
    assert entry_status(session, offer) == "declined"


def test_book_from_a_number_with_no_offer_is_told_so(client, session, offer):
    assert reply(text(client, "BOOK", from_=STRANGER_PHONE)) == catalogue.render("no_offer")
    assert reply(text(client, "ARCHEBU", from_=STRANGER_PHONE)) == catalogue.render(
        "no_offer", "cy")
    assert entry_status(session, offer) == "offered"


def test_yes_with_no_offer_is_only_an_opt_in(client, session, world):
    assert reply(text(client, "YES", from_=STRANGER_PHONE)) == ""


def test_book_after_the_offer_ran_out_is_refused(client, session, clock, offer):
    clock.advance(minutes=31)
    assert reply(text(client, "BOOK", from_=WAITER_PHONE)) == catalogue.render("offer_expired")
    assert entry_status(session, offer) == "expired"


# Feedback

def ask_for_feedback(uow_factory, clock, booking_id: int) -> None:
    """The feedback request after a visit, as the scheduler writes it, sent."""
    with uow_factory() as uow:
        booking = uow.session.get(Booking, booking_id)
        message = text_about_booking(uow, clock, booking, "feedback_request",
                                     "sms_feedback_request")
        message.status, message.provider_sid = "sent", "SM" + "f" * 30 + f"{booking_id:02d}"
        uow.commit()


def feedback(session) -> list[Feedback]:
    session.expire_all()
    return list(session.scalars(select(Feedback).order_by(Feedback.id)))


def test_a_rating_after_a_feedback_request_is_stored(client, session, uow_factory, clock, world):
    ask_for_feedback(uow_factory, clock, world.booking.id)
    assert reply(text(client, "4")) == catalogue.render("reply_feedback_rating_thanks")
    assert reply(text(client, "The staff were kind")) == catalogue.render(
        "reply_feedback_thanks")
    [rating, comment] = feedback(session)
    assert (rating.rating, rating.comment, rating.channel) == (4, "", "sms")
    assert rating.booking_id == world.booking.id and rating.prison_id == world.prison.id
    assert rating.visitor_id == world.lead.id
    assert (comment.rating, comment.comment) == (None, "The staff were kind")


def test_a_rating_with_a_comment_in_welsh(client, session, uow_factory, clock, world):
    ask_for_feedback(uow_factory, clock, world.welsh_booking.id)
    answer = reply(text(client, "5 da iawn, diolch", from_=WELSH_PHONE))
    assert answer == catalogue.render("reply_feedback_thanks", "cy")
    [given] = feedback(session)
    assert (given.rating, given.comment) == (5, "da iawn, diolch")


def test_a_number_outside_1_to_5_is_asked_again(client, session, uow_factory, clock, world):
    ask_for_feedback(uow_factory, clock, world.booking.id)
    assert reply(text(client, "9")) == catalogue.render("reply_rating_range")
    assert feedback(session) == []


def test_a_rating_nobody_asked_for_is_not_feedback(client, session, world):
    assert reply(text(client, "5")) == catalogue.render("reply_not_understood")
    assert feedback(session) == []


def test_a_rating_from_another_number_is_not_taken_as_theirs(client, session, uow_factory,
                                                            clock, world):
    ask_for_feedback(uow_factory, clock, world.booking.id)
    assert reply(text(client, "1", from_=STRANGER_PHONE)) == catalogue.render(
        "reply_not_understood")
    assert feedback(session) == []


def test_commands_still_work_after_a_feedback_request(client, session, uow_factory, clock,
                                                      world):
    ask_for_feedback(uow_factory, clock, world.booking.id)
    assert reply(text(client, "VISITS")).startswith("Your visits")
    assert feedback(session) == []


def test_feedback_texts_per_request_are_limited(client, session, uow_factory, clock, world):
    ask_for_feedback(uow_factory, clock, world.booking.id)
    for body in ("3", "ok", "more", "and more"):
        text(client, body, from_=LEAD_PHONE)
    assert len(feedback(session)) == 3
