"""The SMS webhooks (signed; config.twilio_guard checks every request before these run).

`POST /sms/inbound` is the number's "a message comes in" webhook: the text is stored (unique
MessageSid), read (sms.flow), handled (core.sms_commands) and answered with TwiML at once.
Storing it and recording the answer are tried again across a dropped database connection
(core.reconnect), for a few seconds, before a 503.
A repeated delivery is answered with the first one's reply and does nothing again.
`POST /sms/status` takes delivery status callbacks (core.delivery_status).
Malformed fields get 400; nothing a sender or a forged request sends makes a 500.
"""
from __future__ import annotations

import logging
import re
import time

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.messaging_response import MessagingResponse

from core.delivery_status import record_status
from core.inbound import Handled, earlier_reply, finish_inbound, store_inbound
from core.reconnect import first_work

from .answer import answer

log = logging.getLogger(__name__)
EXTENSION = "visitline"
PREFIX = "/sms"
SID = re.compile(r"^[A-Z]{2}[0-9a-f]{32}$", re.IGNORECASE)
ADDRESS = re.compile(r"^[+0-9A-Za-z .()\-]{1,32}$")
STATUS = re.compile(r"^[a-z_\-]{1,20}$")
ERROR_CODE = re.compile(r"^[0-9]{1,12}$")
MESSAGE_ID = re.compile(r"^[0-9]{1,12}$")
BODY_LIMIT = 1600
REPEAT_WAIT_SECONDS = 4.0


class Malformed(ValueError):
    pass


def make_blueprint() -> Blueprint:
    blueprint = Blueprint("sms", __name__, url_prefix=PREFIX)
    blueprint.add_url_rule("/inbound", "inbound", inbound, methods=["POST"])
    blueprint.add_url_rule("/status", "status", status, methods=["POST"])
    blueprint.register_error_handler(Malformed, lambda error: (f"bad request: {error}\n", 400))
    return blueprint


def inbound():
    message_sid = _field("MessageSid", SID)
    sender = _field("From", ADDRESS)
    line = _field("To", ADDRESS, required=False)
    body = _body(request.form.get("Body", ""))
    container = current_app.extensions[EXTENSION]
    try:
        # Twilio never delivers a text again: a database restarting now costs a pause, not it.
        # Storing twice keeps one (unique MessageSid), even if the cut came at its commit.
        stored = first_work(lambda: _store(container, message_sid, sender, line, body),
                            idempotent=True)
    except SQLAlchemyError:
        log.exception("could not store inbound text %s", message_sid)
        return Response("try again\n", status=503, mimetype="text/plain")
    # The number is masked by the process's log handler (config.logs), never the body.
    log.info("text received from %s", sender)
    if stored is None:
        return _twiml(_earlier(container, message_sid).reply)
    handled = answer(container.uow, container.clock, sender=sender, body=body,
                     provider_keywords=container.settings.twilio_default_keywords)
    given = first_work(lambda: _finish(container, stored, handled, sender))
    if handled.reply and not given:
        log.info("no answer to %s (%s)", sender, handled.outcome)
    return _twiml(given)


def _store(container, message_sid: str, sender: str, line: str, body: str) -> int | None:
    with container.uow() as uow:
        return store_inbound(uow, container.clock, message_sid=message_sid, from_phone=sender,
                             to_phone=line, body=body)


def _finish(container, stored: int, handled: Handled, sender: str) -> str:
    """Record the handling; returns the answer the send rules allow ("" for none)."""
    with container.uow() as uow:
        return finish_inbound(uow, container.clock, stored, handled, sender=sender,
                              daily_cap=container.settings.sms_daily_cap_per_number)


# Our ids are 32-bit integers on PostgreSQL: a larger "m" names no message of ours.
MAX_ROW_ID = 2**31 - 1


def _row_id(text: str | None) -> int | None:
    number = int(text) if text else None
    return number if number is not None and 0 < number <= MAX_ROW_ID else None


def status():
    message_sid = _field("MessageSid", SID)
    provider_status = _field("MessageStatus", STATUS, lower=True)
    error_code = _field("ErrorCode", ERROR_CODE, required=False)
    message_id = _field("m", MESSAGE_ID, required=False, source=request.args)
    container = current_app.extensions[EXTENSION]
    with container.uow() as uow:
        outcome = record_status(uow, container.clock, message_sid=message_sid,
                                provider_status=provider_status, error_code=error_code,
                                message_id=_row_id(message_id))
    log.info("status %s for %s: %s", provider_status, message_sid, outcome)
    return Response(status=204)


def _earlier(container, message_sid: str) -> Handled:
    """A repeat of a text being handled now waits briefly for the first one's answer."""
    deadline = time.monotonic() + REPEAT_WAIT_SECONDS
    while True:
        with container.uow() as uow:
            found = earlier_reply(uow, message_sid)
        if found is not None or time.monotonic() >= deadline:
            return found or Handled("repeat")
        time.sleep(0.05)


def _field(name: str, pattern: re.Pattern, *, required: bool = True, lower: bool = False,
           source=None) -> str:
    value = (source if source is not None else request.form).get(name, "").strip()
    if lower:
        value = value.lower()
    if not value:
        if required:
            raise Malformed(f"{name} is missing")
        return ""
    if not pattern.match(value):
        raise Malformed(f"{name} is not valid")
    return value


def _body(raw: str) -> str:
    """The text as received, without characters no database or phone can hold."""
    kept = "".join(ch for ch in raw if ch.isprintable() or ch in "\n\t")
    return kept[:BODY_LIMIT]


def _twiml(reply: str) -> Response:
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), mimetype="text/xml")
