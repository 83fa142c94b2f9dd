"""Sending through the real twilio REST client, pointed at a fake of the Messages API served on
loopback (tests/support/fake_twilio.py): the text, its status callback and validity period;
transient failures retried, permanent ones recorded; opted-out numbers, landlines and numbers
over their daily cap never sent to; a send run twice, or twice at once, sends once."""
from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from config.settings import SettingError
from config.sms_wiring import make_sender
from core.delivery import TransientSendError, deliver_message
from core.models import OutboundMessage, PhoneOptOut
from sms.console_sender import ConsoleSender
from sms.twilio_sender import TwilioSender, make_client
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN

from .conftest import LEAD_PHONE, LINE, new_sid



def queued(session, clock, *, phone: str = LEAD_PHONE, kind: str = "confirmation",
           body: str = "Visit booked: HMP Leeds", booking_id: int | None = None,
           **values) -> int:
    message = OutboundMessage(dedupe_key=f"test-{new_sid()}", kind=kind, to_phone=phone,
                              body=body, status="queued", send_after=clock.now(),
                              created_at=clock.now(), booking_id=booking_id, **values)
    session.add(message)
    session.commit()
    return message.id


def deliver(uow_factory, clock, sender, message_id, **options):
    with uow_factory() as uow:
        return deliver_message(uow, clock, sender, message_id, **options)


def reread(session, message_id) -> OutboundMessage:
    session.expire_all()
    return session.get(OutboundMessage, message_id)


def test_a_text_goes_through_the_real_client_with_callback_and_validity(
        session, uow_factory, clock, sender, fake_twilio):
    assert isinstance(sender, TwilioSender)
    message_id = queued(session, clock)
    done = deliver(uow_factory, clock, sender, message_id)
    [request] = fake_twilio.requests
    assert request == {"To": LEAD_PHONE, "From": "+447400000999",
                       "Body": "Visit booked: HMP Leeds", "ValidityPeriod": "14400",
                       "StatusCallback": f"{LINE}/sms/status?m={message_id}"}
    sent = reread(session, message_id)
    assert (done.outcome, sent.status, sent.attempts) == ("sent", "sent", 1)
    assert sent.provider_sid == fake_twilio.taken[0]["sid"] and sent.sent_at == clock.now()


def test_a_send_run_twice_sends_once(session, uow_factory, clock, sender, fake_twilio):
    message_id = queued(session, clock)
    deliver(uow_factory, clock, sender, message_id)
    assert deliver(uow_factory, clock, sender, message_id).outcome == "already"
    assert len(fake_twilio.requests) == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_transient_failure_raises_to_retry_and_the_retry_sends(
        session, uow_factory, clock, sender, fake_twilio, status):
    message_id = queued(session, clock)
    fake_twilio.fail_next(status)
    with pytest.raises(TransientSendError):
        deliver(uow_factory, clock, sender, message_id)
    waiting = reread(session, message_id)
    assert (waiting.status, waiting.provider_sid, waiting.attempts) == ("queued", None, 1)
    assert waiting.error_code == str({429: 20429, 500: 20500, 503: 20503}[status])
    assert deliver(uow_factory, clock, sender, message_id).outcome == "sent"
    assert (len(fake_twilio.requests), len(fake_twilio.taken)) == (2, 1)
    assert reread(session, message_id).error_code == ""


def test_unsubscribed_21610_fails_for_good_and_records_an_opt_out(
        session, uow_factory, clock, sender, fake_twilio):
    message_id = queued(session, clock)
    fake_twilio.fail_next(400, 21610)
    assert deliver(uow_factory, clock, sender, message_id).outcome == "failed"
    failed = reread(session, message_id)
    assert (failed.status, failed.error_code) == ("failed", "21610")
    assert session.get(PhoneOptOut, LEAD_PHONE).opted_out is True
    # Not retried, and the next text to that number is not even tried.
    assert deliver(uow_factory, clock, sender, message_id).outcome == "already"
    later = queued(session, clock, body="Reminder")
    assert deliver(uow_factory, clock, sender, later).outcome == "skipped"
    assert len(fake_twilio.requests) == 1


@pytest.mark.parametrize("code", [21211, 21614])
def test_an_invalid_number_fails_for_good(session, uow_factory, clock, sender, fake_twilio,
                                          code):
    message_id = queued(session, clock)
    fake_twilio.fail_next(400, code)
    assert deliver(uow_factory, clock, sender, message_id).outcome == "failed"
    failed = reread(session, message_id)
    assert (failed.status, failed.error_code) == ("failed", str(code))
    assert session.get(PhoneOptOut, LEAD_PHONE) is None


def test_an_opted_out_number_is_never_sent_to(client, session, uow_factory, clock, sender,
                                              fake_twilio):
    from .conftest import text
    text(client, "STOP")
    message_id = queued(session, clock)
    assert deliver(uow_factory, clock, sender, message_id).outcome == "skipped"
    assert (reread(session, message_id).error_code, fake_twilio.requests) == ("opted_out", [])
    text(client, "START")
    assert deliver(uow_factory, clock, sender, queued(session, clock)).outcome == "sent"


@pytest.mark.parametrize("phone", ["+441132000000", "+447000000000", "+12025550123"])
def test_only_mobiles_are_sent_to(session, uow_factory, clock, sender, fake_twilio, phone):
    message_id = queued(session, clock, phone=phone)
    assert deliver(uow_factory, clock, sender, message_id).outcome == "skipped"
    assert (reread(session, message_id).error_code, fake_twilio.requests) == ("not_mobile", [])


def test_a_number_over_its_daily_cap_is_not_sent_to_until_the_next_day(
        session, uow_factory, clock, sender, fake_twilio):
    sent = [deliver(uow_factory, clock, sender, queued(session, clock), daily_cap=2).outcome
            for _ in range(3)]
    assert sent == ["sent", "sent", "skipped"]
    clock.advance(days=1)
    assert deliver(uow_factory, clock, sender, queued(session, clock), daily_cap=2).outcome \
        == "sent"
    assert len(fake_twilio.taken) == 3


def test_a_reminder_for_a_visit_that_has_started_is_withdrawn(session, uow_factory, clock,
                                                              sender, fake_twilio, world):
    message_id = queued(session, clock, kind="reminder", booking_id=world.booking.id)
    clock.set(world.slot.starts_at + timedelta(minutes=5))
    assert deliver(uow_factory, clock, sender, message_id).outcome == "withdrawn"
    assert fake_twilio.requests == []


def test_validity_keeps_offers_and_reminders_from_arriving_too_late(
        session, uow_factory, clock, sender, fake_twilio, world):
    deliver(uow_factory, clock, sender, queued(session, clock, kind="offer"))
    clock.set(world.slot.starts_at - timedelta(hours=1))
    deliver(uow_factory, clock, sender,
            queued(session, clock, kind="reminder", booking_id=world.booking.id))
    assert [r["ValidityPeriod"] for r in fake_twilio.requests] == ["1800", "3600"]


def test_a_text_that_went_although_the_answer_timed_out_is_not_sent_again(
        session, uow_factory, clock, fake_twilio):
    impatient = TwilioSender(make_client(ACCOUNT_SID, AUTH_TOKEN,
                                         api_base_url=fake_twilio.base_url, timeout=0.3),
                             from_number="+447400000999")
    message_id = queued(session, clock)
    fake_twilio.hang_next(1.0)
    with pytest.raises(TransientSendError):
        deliver(uow_factory, clock, impatient, message_id)
    assert reread(session, message_id).error_code == "no_answer"
    assert deliver(uow_factory, clock, impatient, message_id).outcome == "sent"
    assert len(fake_twilio.requests) == 1
    assert reread(session, message_id).provider_sid == fake_twilio.taken[0]["sid"]


def test_an_attempt_in_flight_is_left_alone_until_its_lease_runs_out(
        session, uow_factory, clock, sender, fake_twilio):
    message_id = queued(session, clock, attempts=1, error_code="sending",
                        status_updated_at=clock.now())
    with pytest.raises(TransientSendError):
        deliver(uow_factory, clock, sender, message_id)
    clock.advance(minutes=2)           # that worker died mid-send; its text never reached us
    assert deliver(uow_factory, clock, sender, message_id).outcome == "sent"
    assert len(fake_twilio.requests) == 1


def test_the_console_sender_logs_clearly_and_records_a_sid(session, uow_factory, clock, settings,
                                                           caplog):
    offline = make_sender(dataclasses.replace(settings, twilio_account_sid="",
                                              twilio_auth_token=""))
    assert isinstance(offline, ConsoleSender)
    message_id = queued(session, clock)
    with caplog.at_level(logging.WARNING):
        assert deliver(uow_factory, clock, offline, message_id).outcome == "sent"
    assert "[NOT SENT - console SMS]" in caplog.text and "Visit booked" in caplog.text
    assert reread(session, message_id).provider_sid.startswith("CONSOLE")


def test_production_without_twilio_refuses_to_fall_back_to_the_console(settings):
    with pytest.raises(SettingError):
        make_sender(dataclasses.replace(settings, environment="production",
                                        twilio_account_sid=""))


def test_two_sends_of_one_text_at_once_send_it_once(databases, backend, tmp_path, clock,
                                                    line_settings, fake_twilio):
    from config.container import build
    url = databases.fresh_url(backend)
    container = build(dataclasses.replace(line_settings, database_url=url), clock=clock)
    with Session(container.engine) as session:
        message_id = queued(session, clock)
    fake_twilio.hang_next(0.5)         # the first is still sending when the second starts
    barrier, outcomes = threading.Barrier(2), []

    def send() -> None:
        barrier.wait()
        try:
            with container.uow() as uow:
                outcomes.append(deliver_message(uow, clock, make_sender(line_settings),
                                                message_id).outcome)
        except TransientSendError:
            outcomes.append("retry later")

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with Session(container.engine) as session:
        recorded = session.get(OutboundMessage, message_id).provider_sid
    container.engine.dispose()
    # The second either backs off, or finds the first one's text at Twilio and records it.
    assert "sent" in outcomes and set(outcomes) <= {"sent", "retry later"}
    assert len(fake_twilio.requests) == 1 and recorded == fake_twilio.taken[0]["sid"]


def test_a_relayed_text_is_sent_even_when_this_clock_is_behind_the_relays(
        session, uow_factory, clock, sender, fake_twilio):
    ahead = queued(session, clock)
    session.get(OutboundMessage, ahead).send_after = clock.now() + timedelta(seconds=2)
    session.commit()
    assert deliver(uow_factory, clock, sender, ahead).outcome == "sent"


def test_a_scheduled_text_not_yet_due_is_not_sent_early(session, uow_factory, clock, sender,
                                                        fake_twilio):
    later = queued(session, clock)
    message = session.get(OutboundMessage, later)
    message.status, message.send_after = "scheduled", clock.now() + timedelta(hours=1)
    session.commit()
    assert deliver(uow_factory, clock, sender, later).outcome == "not_due"
    assert fake_twilio.requests == []


def test_a_text_a_killed_attempt_got_to_twilio_is_adopted_not_sent_again(
        session, uow_factory, clock, sender, fake_twilio):
    message_id = queued(session, clock, attempts=1, error_code="sending",
                        status_updated_at=clock.now())
    reached = sender.send(message_id=message_id, to=LEAD_PHONE, body="Visit booked: HMP Leeds",
                          validity_period=60)             # what the dead worker got through
    assert deliver(uow_factory, clock, sender, message_id).outcome == "sent"
    assert reread(session, message_id).provider_sid == reached
    assert len(fake_twilio.requests) == 1
