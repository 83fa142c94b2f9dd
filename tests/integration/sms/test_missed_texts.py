"""Texts sent while the line was down never reach its webhook (Twilio does not retry one): the
periodic pass fetches them from Twilio's Messages API (the real client, the local fake) and
handles each exactly once, answering by text where an answer is due."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import jobs
from config.app import create_app
from config.sms_wiring import make_inbox
from core.models import CANCELLED, Booking, InboundMessage
from core.missed_texts import catch_up

from .conftest import LEAD_PHONE, MEMBER_PHONE, reply, text
from .test_jobs import line, redis_conn, work  # noqa: F401 - fixtures of the committed line

LINE_NUMBER = "+447400000999"


def sent_while_down(fake_twilio, container, body: str, *, minutes_ago: float = 5,
                    from_: str = LEAD_PHONE) -> str:
    return fake_twilio.receive(from_=from_, to=LINE_NUMBER, body=body,
                               sent_at=container.clock.now() - timedelta(minutes=minutes_ago))


def stored(container) -> list[InboundMessage]:
    with Session(container.engine) as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_texts_sent_while_the_line_was_down_are_handled_once_when_it_is_back(
        line, redis_conn, fake_twilio):
    container, booking = line
    cancel = sent_while_down(fake_twilio, container, f"CANCEL {booking.reference}")
    sent_while_down(fake_twilio, container, "VISITS", minutes_ago=4, from_=MEMBER_PHONE)

    first, again = jobs.tick(), jobs.tick()
    work(redis_conn)

    assert (first["texts_caught_up"], first["texts_answered_late"]) == (2, 2)
    assert (again["texts_caught_up"], again["texts_answered_late"]) == (0, 0)
    assert [(m.message_sid == cancel, m.outcome) for m in stored(container)] == [
        (True, "cancel_cancelled"), (False, "visits_none")]
    with Session(container.engine) as session:
        assert session.get(Booking, booking.id).status == CANCELLED
    answered = [t["body"] for t in fake_twilio.texts_to(LEAD_PHONE)
                if booking.reference in t["body"] and "cancelled" in t["body"].lower()]
    assert len(answered) == 1

    # Its webhook arriving after all (a proxy's retry) does nothing again and sends nothing
    # more: the cancellation's own text was the answer.
    texts_sent = len(fake_twilio.taken)
    client = create_app(container=container).test_client()
    assert reply(text(client, f"CANCEL {booking.reference}", sid=cancel,
                      base_url="https://line.example")) == ""
    work(redis_conn)
    assert (len(stored(container)), len(fake_twilio.taken)) == (2, texts_sent)


def test_a_text_still_on_its_way_to_the_webhook_is_left_to_it(line, fake_twilio):
    container, _ = line
    sent_while_down(fake_twilio, container, "VISITS", minutes_ago=0.25)

    with container.uow() as uow:
        assert catch_up(uow, container.clock, make_inbox(container.settings)) == 0
    assert stored(container) == []


def test_only_texts_to_the_line_are_fetched_not_the_texts_it_sent(line, fake_twilio):
    container, _ = line
    fake_twilio.receive(from_=LINE_NUMBER, to=LEAD_PHONE, body="Visit booked",
                        sent_at=container.clock.now() - timedelta(minutes=5))
    fake_twilio.inbound[-1]["direction"] = "outbound-api"

    with container.uow() as uow:
        assert catch_up(uow, container.clock, make_inbox(container.settings)) == 0


def test_many_texts_missed_are_read_across_pages_and_stored_once(
        line, fake_twilio):
    container, _ = line
    for n in range(450):
        sent_while_down(fake_twilio, container, f"HELP {n}", minutes_ago=30 - n / 60)

    with container.uow() as uow:
        assert catch_up(uow, container.clock, make_inbox(container.settings)) == 450
    listed = len([r for r in fake_twilio.list_requests if "Messages.json" in r])
    assert listed == 3                           # pages of 200

    with container.uow() as uow:
        assert catch_up(uow, container.clock, make_inbox(container.settings)) == 0
    assert len(stored(container)) == 450
