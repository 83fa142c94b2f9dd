"""SMS pumping: answers to texts (TwiML <Message>) obey the rules every text the line sends obeys
(core.delivery_rules): none to a number that opted out or is not a UK mobile, and at most the
daily cap to one number, counted together with texts sent through the REST API. Beyond them the
answer is an empty <Response/>; the text is still stored and acted on."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.app import create_app
from core.delivery import deliver_message
from core.inbound import claim_abandoned, finish_inbound
from core.models import InboundMessage, OutboundMessage
from core.models.messages import SENT

from .conftest import LEAD_PHONE, MEMBER_PHONE, UNKNOWN_PHONE, new_sid, reply, text
from .test_inbound_delivery import at_once, line  # noqa: F401 - line is a fixture
from .test_late_answers import stored_then_dropped
from .test_sending import queued

NIGERIA = "+2348031234567"
INTERNATIONAL_NETWORKS = "+882160001234"
TEXTS = 30
CAP = 10        # SMS_DAILY_CAP_PER_NUMBER's default, as the test settings leave it


def answered(client, body: str, phone: str, count: int = TEXTS) -> list[str]:
    return [reply(text(client, body, from_=phone)) for _ in range(count)]


@pytest.mark.parametrize("phone", [NIGERIA, INTERNATIONAL_NETWORKS])
def test_texts_from_numbers_the_line_never_texts_are_not_answered(client, session, world, phone):
    assert answered(client, "HELLO", phone) == [""] * TEXTS
    assert session.scalar(select(func.count(InboundMessage.id))) == TEXTS
    assert session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.to_phone == phone)) == 0


def test_an_unknown_uk_mobile_gets_at_most_the_daily_cap_of_answers(client, session, clock,
                                                                    world):
    got = answered(client, "HELLO", UNKNOWN_PHONE)
    assert all(got[:CAP]) and got[CAP:] == [""] * (TEXTS - CAP)
    assert session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.to_phone == UNKNOWN_PHONE, OutboundMessage.status == SENT)) == CAP
    clock.advance(days=1)
    assert reply(text(client, "HELLO", from_=UNKNOWN_PHONE))


def test_a_number_that_opted_out_is_not_answered(client, session, world):
    assert reply(text(client, "STOP", from_=UNKNOWN_PHONE)) == ""     # Twilio answers STOP
    assert answered(client, "HELLO", UNKNOWN_PHONE) == [""] * TEXTS
    assert reply(text(client, "VISITS", from_=UNKNOWN_PHONE)) == ""


def test_the_line_answering_keywords_itself_confirms_stop_once_then_nothing(container, world):
    settings = dataclasses.replace(container.settings, twilio_default_keywords=False)
    client = create_app(container=dataclasses.replace(container, settings=settings)).test_client()
    assert reply(text(client, "STOP", from_=UNKNOWN_PHONE))
    assert answered(client, "HELLO", UNKNOWN_PHONE, 3) == [""] * 3
    assert reply(text(client, "START", from_=UNKNOWN_PHONE))


def test_answers_and_rest_sends_share_one_daily_cap(client, session, uow_factory, clock, world,
                                                   sender, fake_twilio):
    for _ in range(CAP - 3):
        message_id = queued(session, clock, phone=LEAD_PHONE)
        with uow_factory() as uow:
            assert deliver_message(uow, clock, sender, message_id,
                                   daily_cap=CAP).outcome == "sent"
    assert [bool(a) for a in answered(client, "VISITS", LEAD_PHONE, 5)] == [True] * 3 + [False] * 2
    with uow_factory() as uow:
        over = deliver_message(uow, clock, sender, queued(session, clock, phone=LEAD_PHONE),
                               daily_cap=CAP)
    assert (over.outcome, len(fake_twilio.taken)) == ("skipped", CAP - 3)


def test_a_repeated_delivery_is_answered_alike_and_counted_once(client, session, world):
    sid = new_sid()
    first = reply(text(client, "VISITS", from_=LEAD_PHONE, sid=sid))
    assert first and reply(text(client, "VISITS", from_=LEAD_PHONE, sid=sid)) == first
    assert session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.to_phone == LEAD_PHONE, OutboundMessage.status == SENT)) == 1


def test_a_text_taken_for_late_handling_is_not_also_answered_by_its_webhook(
        session, uow_factory, clock, world, settings):
    from core.inbound import Handled
    stored_then_dropped(uow_factory, clock, "VISITS", from_phone=LEAD_PHONE)
    stored = session.scalar(select(InboundMessage.id))
    clock.advance(minutes=2)
    with uow_factory() as uow:
        assert claim_abandoned(uow, clock, stored)
    with uow_factory() as uow:
        given = finish_inbound(uow, clock, stored, Handled("visits", "Your visits: ..."),
                               sender=LEAD_PHONE, daily_cap=CAP)
    assert given == ""
    assert session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.to_phone == LEAD_PHONE, OutboundMessage.status == SENT)) == 0


def test_texts_arriving_at_once_from_one_number_get_at_most_the_cap_of_answers(line):
    container, app, _ = line
    answers = at_once(app, [("HELLO", new_sid()) for _ in range(CAP + 6)])
    assert sum(1 for r in answers if reply(r)) == CAP
    with Session(container.engine) as session:
        assert session.scalar(select(func.count(OutboundMessage.id)).where(
            OutboundMessage.to_phone == MEMBER_PHONE, OutboundMessage.kind == "answer")) == CAP
