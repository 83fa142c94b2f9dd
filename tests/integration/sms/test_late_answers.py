"""A text the line stored but never handled (its web process died in between) is handled by the
periodic pass: a CANCEL still releases the place at once it is found, and is answered by text."""
from __future__ import annotations

from sqlalchemy import select

from core import catalogue
from core.inbound import store_inbound
from core.models import CANCELLED, Booking, InboundMessage, OutboundMessage, VisitSlot
from core.reference import written
from sms.answer import answer_abandoned

from .conftest import MEMBER_PHONE, UNKNOWN_PHONE, new_sid, reply, text


def stored_then_dropped(uow_factory, clock, body: str, from_phone: str = MEMBER_PHONE) -> str:
    """What the webhook does before its process dies: the text is stored, nothing more."""
    sid = new_sid()
    with uow_factory() as uow:
        store_inbound(uow, clock, message_sid=sid, from_phone=from_phone,
                      to_phone="+447400000999", body=body)
    return sid


def late_pass(uow_factory, clock) -> int:
    return answer_abandoned(uow_factory, clock, provider_keywords=True)


def test_a_cancel_whose_webhook_died_is_done_by_the_periodic_pass(
        session, uow_factory, clock, world):
    stored_then_dropped(uow_factory, clock, f"CANCEL {world.booking.reference}")
    clock.advance(minutes=2)

    assert late_pass(uow_factory, clock) == 1

    session.expire_all()
    booking = session.get(Booking, world.booking.id)
    assert booking.status == CANCELLED
    assert session.get(VisitSlot, world.slot.id).open_taken == 0
    answered = session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == "reply", OutboundMessage.to_phone == MEMBER_PHONE)).one()
    assert answered.body == catalogue.render("reply_cancelled",
                                             reference=written(booking.reference))
    stored = session.scalars(select(InboundMessage)).one()
    assert (stored.outcome, stored.handled_at is not None) == ("cancel_cancelled", True)


def test_a_text_handled_late_is_handled_once(session, uow_factory, clock, world):
    stored_then_dropped(uow_factory, clock, f"CANCEL {world.booking.reference}")
    clock.advance(minutes=2)

    assert late_pass(uow_factory, clock) == 1
    assert late_pass(uow_factory, clock) == 0
    assert len(session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == "reply")).all()) == 1


def test_a_text_still_within_twilios_webhook_time_is_left_to_its_webhook(
        session, uow_factory, clock, world):
    stored_then_dropped(uow_factory, clock, f"CANCEL {world.booking.reference}")
    clock.advance(seconds=20)

    assert late_pass(uow_factory, clock) == 0
    session.expire_all()
    assert session.get(Booking, world.booking.id).status != CANCELLED


def test_a_late_answer_to_an_unknown_number_is_recorded_but_not_texted(
        session, uow_factory, clock, world):
    stored_then_dropped(uow_factory, clock, "VISITS", from_phone=UNKNOWN_PHONE)
    clock.advance(minutes=2)

    assert late_pass(uow_factory, clock) == 1
    assert session.scalars(select(InboundMessage.outcome)).one() == "visits_unknown_number"
    assert session.scalars(select(OutboundMessage).where(
        OutboundMessage.to_phone == UNKNOWN_PHONE)).all() == []


def test_texts_the_webhook_answered_are_not_touched_by_the_periodic_pass(
        client, session, uow_factory, clock, world):
    assert reply(text(client, f"CANCEL {world.booking.reference}", from_=MEMBER_PHONE))
    clock.advance(minutes=2)

    assert late_pass(uow_factory, clock) == 0


def test_the_periodic_tick_handles_texts_whose_webhook_died(container, session, uow_factory,
                                                             clock, world):
    from config import jobs
    stored_then_dropped(uow_factory, clock, f"CANCEL {world.booking.reference}")
    clock.advance(minutes=2)
    jobs.use(container)

    done = jobs.tick()

    assert done["texts_answered_late"] == 1
    session.expire_all()
    assert session.get(Booking, world.booking.id).status == CANCELLED
