"""The Twilio sender: core.delivery's Sender port over the real twilio REST client.

It only sends and reports; what a failure means (retry, give up, opt-out) is core.delivery's.
Build the client with an HTTP timeout (twilio's default HTTP client has none): `make_client`.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from core.delivery import SendFailed

log = logging.getLogger(__name__)
HTTP_TIMEOUT_SECONDS = 10
LOOKBACK = 50      # texts to a number looked at when checking whether an attempt went
CLOCK_SKEW = timedelta(minutes=5)


def make_client(account_sid: str, auth_token: str, *, api_base_url: str = "",
                timeout: float = HTTP_TIMEOUT_SECONDS) -> Client:
    client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
    if api_base_url:
        client.api.base_url = api_base_url.rstrip("/")
    return client


class TwilioSender:
    def __init__(self, client: Client, *, from_number: str, status_callback_url: str = ""):
        self._client = client
        self._from = from_number
        self._status_callback_url = status_callback_url

    def send(self, *, message_id: int, to: str, body: str, validity_period: int) -> str:
        params = dict(to=to, from_=self._from, body=body, validity_period=validity_period)
        if self._status_callback_url:
            # The id lets the callback find the message even before its SID is recorded.
            params["status_callback"] = f"{self._status_callback_url}?m={message_id}"
        started = time.monotonic()
        try:
            message = self._client.messages.create(**params)
        except TwilioRestException as error:
            log.warning("text %s to %s refused: HTTP %s, code %s, %s", message_id, _masked(to),
                        error.status, error.code, error.msg)
            raise SendFailed(error.msg or "refused", http_status=error.status,
                             code=error.code) from error
        except (requests.RequestException, TwilioException) as error:
            log.warning("text %s to %s: no answer from Twilio: %s", message_id, _masked(to), error)
            raise SendFailed(str(error) or "no answer", answered=False) from error
        log.info("text %s to %s sent as %s in %.0f ms", message_id, _masked(to), message.sid,
                 (time.monotonic() - started) * 1000)
        return message.sid

    def find_sent(self, *, to: str, body: str, since: datetime) -> str | None:
        try:
            earlier = self._client.messages.list(to=to, limit=LOOKBACK)
        except TwilioRestException as error:
            raise SendFailed(error.msg or "refused", http_status=error.status,
                             code=error.code) from error
        except (requests.RequestException, TwilioException) as error:
            raise SendFailed(str(error) or "no answer", answered=False) from error
        for message in earlier:
            created = message.date_created
            if message.body == body and (created is None or created >= since - CLOCK_SKEW):
                return message.sid
        return None


def _masked(phone: str) -> str:
    return phone[:-6] + "******" if len(phone) > 6 else "******"
