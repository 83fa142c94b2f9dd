"""The Twilio sender: core.delivery's Sender port over the real twilio REST client.

It only sends and reports; what a failure means (retry, give up, opt-out) is core.delivery's.
Build the client with an HTTP timeout (twilio's default HTTP client has none): `make_client`.

A twilio client is not made to be shared by threads sending at once: its HTTP client keeps each
response on itself before returning it from there, and requests does not promise a Session is
thread-safe. Given `new_client`, the sender keeps one client per thread (each reusing its own
HTTP connection from text to text); given one client, it lets one thread at a time use it.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime, timedelta
from typing import Callable

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from core.delivery import SendFailed

log = logging.getLogger(__name__)
HTTP_TIMEOUT_SECONDS = 10
LOOKBACK = 50      # texts to a number looked at when checking whether an attempt went
CLOCK_SKEW = timedelta(minutes=5)


# twilio's HTTP client logs every request and response at INFO, ten lines a text, with the
# number texted among them: kept to warnings.
_HTTP_LOG = logging.getLogger("visitline.twilio_http")
_HTTP_LOG.setLevel(logging.WARNING)


def make_client(account_sid: str, auth_token: str, *, api_base_url: str = "",
                timeout: float = HTTP_TIMEOUT_SECONDS) -> Client:
    http = TwilioHttpClient(timeout=timeout, logger=_HTTP_LOG)
    client = Client(account_sid, auth_token, http_client=http)
    if api_base_url:
        client.api.base_url = api_base_url.rstrip("/")
    if not client.edge and not client.region:      # else the host varies: leave requests to it
        _read_environment_once(http, client.api.base_url)
    return client


def _read_environment_once(http: TwilioHttpClient, base_url: str) -> None:
    """requests reads its proxy settings (walking the whole environment, twice) and CA bundle
    from os.environ on every request: a fifth of a text's CPU. Read once, for the one host this
    client calls, they are the same settings."""
    http.proxy = requests.utils.get_environ_proxies(base_url)      # NO_PROXY is honoured
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        http.session.verify = bundle
    http.session.trust_env = False


class TwilioSender:
    def __init__(self, client: Client | None = None, *, from_number: str,
                 status_callback_url: str = "",
                 new_client: Callable[[], Client] | None = None):
        if (client is None) == (new_client is None):
            raise ValueError("give either a client or new_client")
        self._shared = client
        self._shared_lock = threading.Lock()
        self._new_client = new_client
        self._local = threading.local()
        self._from = from_number
        self._status_callback_url = status_callback_url

    def _call(self, use: Callable[[Client], object]):
        if self._new_client is None:
            with self._shared_lock:
                return use(self._shared)
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._new_client()
        return use(client)

    def send(self, *, message_id: int, to: str, body: str, validity_period: int) -> str:
        params = dict(to=to, from_=self._from, body=body, validity_period=validity_period)
        if self._status_callback_url:
            # The id lets the callback find the message even before its SID is recorded.
            params["status_callback"] = f"{self._status_callback_url}?m={message_id}"
        started = time.monotonic()
        try:
            message = self._call(lambda client: client.messages.create(**params))
        except TwilioRestException as error:
            log.warning("text %s to %s refused: HTTP %s, code %s, %s", message_id, _masked(to),
                        error.status, error.code, error.msg)
            raise SendFailed(error.msg or "refused", http_status=error.status,
                             code=error.code) from error
        except (requests.RequestException, TwilioException) as error:
            log.warning("text %s to %s: no answer from Twilio: %s", message_id, _masked(to), error)
            raise SendFailed(str(error) or "no answer", answered=False) from error
        log.debug("text %s to %s sent as %s in %.0f ms", message_id, _masked(to), message.sid,
                  (time.monotonic() - started) * 1000)
        return message.sid

    def find_sent(self, *, to: str, body: str, since: datetime) -> str | None:
        try:
            earlier = self._call(lambda client: client.messages.list(to=to, limit=LOOKBACK))
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
