"""Delivery status callbacks arrive duplicated and out of order: a message's status only moves
forward, never leaves a final state, and keeps the error code a failure came with. A reminder
undelivered because the handset was unreachable is sent once more, if still of use."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.models import Booking, OutboundMessage, PhoneOptOut

from tests.support.twilio_requests import signed_post

from .conftest import LEAD_PHONE, new_sid


def outbound(session, clock, *, status: str = "sent", sid: str | None = None,
             phone: str = LEAD_PHONE) -> OutboundMessage:
    message = OutboundMessage(dedupe_key=f"test-{new_sid()}", kind="confirmation",
                              to_phone=phone, body="Visit booked", status=status,
                              send_after=clock.now(), created_at=clock.now(), provider_sid=sid)
    session.add(message)
    session.commit()
    return message


def callback(client, sid: str, status: str, error_code: str = "", *, message_id=None):
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32,
              "To": LEAD_PHONE, "From": "+447400000999"}
    if error_code:
        params["ErrorCode"] = error_code
    path = "/sms/status" + (f"?m={message_id}" if message_id is not None else "")
    response = signed_post(client, path, params)
    assert response.status_code == 204, response.get_data(as_text=True)
    return response


def reread(session, message) -> OutboundMessage:
    session.expire_all()
    return session.get(OutboundMessage, message.id)


@pytest.mark.parametrize("arrivals, final", [
    (["queued", "sent", "delivered"], "delivered"),
    (["delivered", "sent", "sending", "queued"], "delivered"),
    (["sent", "delivered", "delivered", "undelivered"], "delivered"),
    (["undelivered", "delivered", "sent"], "undelivered"),
    (["sending", "sent", "sent"], "sent"),
    (["failed", "delivered"], "failed"),
])
def test_status_only_moves_forward_whatever_the_order(client, session, clock, arrivals, final):
    sid = new_sid()
    message = outbound(session, clock, sid=sid)
    for status in arrivals:
        callback(client, sid, status)
    assert reread(session, message).status == final


def test_a_failure_keeps_its_error_code_and_a_repeat_changes_nothing(client, session, clock):
    sid = new_sid()
    message = outbound(session, clock, sid=sid)
    callback(client, sid, "undelivered", "30003")
    callback(client, sid, "failed", "30006")
    callback(client, sid, "undelivered", "30003")
    again = reread(session, message)
    assert (again.status, again.error_code) == ("undelivered", "30003")


def test_an_unsubscribed_failure_records_an_opt_out(client, session, clock):
    sid = new_sid()
    outbound(session, clock, sid=sid)
    callback(client, sid, "failed", "21610")
    assert session.get(PhoneOptOut, LEAD_PHONE).opted_out is True


def test_a_callback_that_beats_the_send_job_finds_the_message_by_its_id(client, session, clock):
    message = outbound(session, clock, status="queued")
    sid = new_sid()
    callback(client, sid, "delivered", message_id=message.id)
    again = reread(session, message)
    assert (again.status, again.provider_sid) == ("delivered", sid)


def test_the_id_cannot_take_over_a_message_that_has_its_sid(client, session, clock):
    sid = new_sid()
    message = outbound(session, clock, sid=sid)
    callback(client, new_sid(), "failed", "30005", message_id=message.id)
    again = reread(session, message)
    assert (again.status, again.provider_sid) == ("sent", sid)


def test_callbacks_for_unknown_messages_or_statuses_are_accepted_and_ignored(client, session,
                                                                             clock):
    message = outbound(session, clock, sid=new_sid())
    callback(client, new_sid(), "delivered")
    callback(client, message.provider_sid, "receiving")
    assert reread(session, message).status == "sent"


def test_a_skipped_or_withdrawn_message_stays_so(client, session, clock):
    message = outbound(session, clock, status="withdrawn")
    callback(client, new_sid(), "delivered", message_id=message.id)
    assert reread(session, message).status == "withdrawn"


@pytest.mark.parametrize("params, path", [
    ({"MessageStatus": "delivered"}, "/sms/status"),
    ({"MessageSid": "SM" + "b" * 32}, "/sms/status"),
    ({"MessageSid": "nope", "MessageStatus": "delivered"}, "/sms/status"),
    ({"MessageSid": "SM" + "b" * 32, "MessageStatus": "<delivered>"}, "/sms/status"),
    ({"MessageSid": "SM" + "b" * 32, "MessageStatus": "failed", "ErrorCode": "x1"},
     "/sms/status"),
    ({"MessageSid": "SM" + "b" * 32, "MessageStatus": "failed"}, "/sms/status?m=abc"),
])
def test_malformed_callbacks_are_a_400(client, params, path):
    assert signed_post(client, path, params).status_code == 400


# A reminder undelivered for a reason that may pass is sent once more, later.

def reminder(session, clock, world, *, sid: str, key: str = "") -> OutboundMessage:
    message = OutboundMessage(dedupe_key=key or f"reminder-{world.booking.id}-{sid}",
                              kind="reminder", to_phone=LEAD_PHONE, body="Reminder: visit",
                              booking_id=world.booking.id, status="sent", provider_sid=sid,
                              send_after=clock.now(), created_at=clock.now(),
                              sent_at=clock.now())
    session.add(message)
    session.commit()
    return message


def sent_again(session, message) -> list[OutboundMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboundMessage).where(
        OutboundMessage.dedupe_key == f"retry-of-{message.id}")))


@pytest.mark.parametrize("code", ["30003", "30008"])
def test_an_unreachable_reminder_is_sent_once_more_half_an_hour_later(client, session, clock,
                                                                      world, code):
    from core.staff_work import undelivered_messages
    sid = new_sid()
    original = reminder(session, clock, world, sid=sid)
    clock.advance(minutes=10)
    callback(client, sid, "undelivered", code)
    callback(client, sid, "undelivered", code)          # a repeat: still once
    [again] = sent_again(session, original)
    assert (again.status, again.send_after, again.kind) == (
        "scheduled", clock.now() + timedelta(minutes=30), "reminder")
    assert (again.to_phone, again.body, again.booking_id) == (
        original.to_phone, original.body, original.booking_id)
    # Staff are not asked to send it again themselves.
    assert original.id not in [m.id for m in undelivered_messages(session)]
    # The second one undelivered too: no third.
    callback(client, "SM" + "c" * 32, "undelivered", code, message_id=again.id)
    assert sent_again(session, again) == []


def test_a_reminder_that_went_again_by_itself_is_not_sent_again_by_staff(client, session, clock,
                                                                       uow_factory, world):
    from core.staff import Access, Invalid
    from core.staff_work import retry_message
    sid = new_sid()
    original = reminder(session, clock, world, sid=sid)
    callback(client, sid, "undelivered", "30003")
    administrator = Access(staff_id=1, username="boss", role="admin", all_prisons=True,
                           prison_ids=frozenset(), generation=0)
    with pytest.raises(Invalid, match="already been sent again"):
        with uow_factory() as uow:
            retry_message(uow, clock, administrator, message_id=original.id)
    assert len(sent_again(session, original)) == 1


@pytest.mark.parametrize("case", ["permanent code", "failed", "not a reminder", "cancelled",
                                  "validity over", "visit too near", "a staff resend"])
def test_a_reminder_is_not_sent_again_when_it_would_be_no_use(client, session, clock, world,
                                                              case):
    sid = new_sid()
    message = reminder(session, clock, world, sid=sid,
                       key=f"retry-of-{world.booking.id}999" if case == "a staff resend" else "")
    status, code = "undelivered", "30003"
    if case == "permanent code":
        code = "30005"
    elif case == "failed":
        status = "failed"
    elif case == "not a reminder":
        message.kind = "confirmation"
    elif case == "cancelled":
        session.get(Booking, world.booking.id).status = "cancelled"
    elif case == "validity over":
        clock.advance(hours=3, minutes=31)                 # of its 4 hours
    elif case == "visit too near":
        message.sent_at = world.slot.starts_at - timedelta(minutes=70)
        clock.set(world.slot.starts_at - timedelta(minutes=45))
    session.commit()
    callback(client, sid, status, code)
    assert sent_again(session, message) == []


