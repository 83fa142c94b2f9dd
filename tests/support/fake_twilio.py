"""A local fake of Twilio's Messages API: a real HTTP server on 127.0.0.1 (a random port) that the
real twilio client talks to (`client.api.base_url = fake.base_url`).

POST /2010-04-01/Accounts/{sid}/Messages.json records the request and answers 201 with a fresh
SID, unless an answer was scripted: `fail_next(429)`, `fail_next(400, 21610, ...)` answer with a
Twilio error body ({code, message, more_info, status}); `hang_next(seconds)` takes the text but
answers late (the client times out while the text has gone). `fail_to(phone, ...)` and
`hang_to(phone, ...)` script the answers to texts for one number, whatever order texts sent at
once arrive in. GET on the same path lists the texts taken and those `receive`d (sent to the
line by a phone), newest first, filtered by To and by `DateSent>` (a GMT day, as Twilio reads
it), in pages of PageSize with Twilio's next_page_uri.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlencode, urlparse

MESSAGES = "/Messages.json"
DEFAULT_CODES = {429: 20429, 500: 20500, 503: 20503}
ERROR_TEXT = {20429: "Too Many Requests", 20500: "Internal Server Error",
              20503: "Service Unavailable", 21211: "Invalid 'To' Phone Number",
              21610: "Attempt to send to unsubscribed recipient",
              21614: "'To' number is not a valid mobile number"}


@dataclass
class Scripted:
    status: int = 201
    code: int | None = None
    delay: float = 0.0


@dataclass
class FakeTwilio:
    requests: list[dict] = field(default_factory=list)     # every POST, form fields as sent
    taken: list[dict] = field(default_factory=list)        # texts answered with a SID
    inbound: list[dict] = field(default_factory=list)      # texts phones sent to the line
    list_requests: list[str] = field(default_factory=list)  # every GET, path and query
    _script: deque = field(default_factory=deque)
    _by_phone: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    # Twilio's clock, for date_created: tests set it to their fixed clock's.
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)

    def start(self) -> "FakeTwilio":
        fake = self

        class Handler(_Handler):
            twilio = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.taken.clear()
            self.inbound.clear()
            self.list_requests.clear()
            self._script.clear()
            self._by_phone.clear()
            self.clock = lambda: datetime.now(timezone.utc)

    def fail_next(self, status: int, code: int | None = None, times: int = 1) -> None:
        with self._lock:
            self._script.extend(Scripted(status, code or DEFAULT_CODES.get(status, status)) for _ in range(times))

    def hang_next(self, seconds: float) -> None:
        with self._lock:
            self._script.append(Scripted(201, None, seconds))

    def fail_to(self, phone: str, status: int, code: int | None = None, times: int = 1) -> None:
        with self._lock:
            self._by_phone.setdefault(phone, deque()).extend(
                Scripted(status, code or DEFAULT_CODES.get(status, status)) for _ in range(times))

    def hang_to(self, phone: str, seconds: float) -> None:
        with self._lock:
            self._by_phone.setdefault(phone, deque()).append(Scripted(201, None, seconds))

    def receive(self, *, from_: str, to: str, body: str, sent_at: datetime) -> str:
        """A text a phone sent to the line: Twilio keeps it whether or not its webhook
        reached the line. Returns its MessageSid."""
        sid = "SM" + uuid.uuid4().hex
        stamp = format_datetime(sent_at, usegmt=True)
        with self._lock:
            self.inbound.append({
                "sid": sid, "account_sid": "AC" + "0" * 32, "to": to, "from": from_,
                "body": body, "status": "received", "num_segments": "1",
                "date_created": stamp, "date_sent": stamp, "date_updated": stamp,
                "direction": "inbound", "error_code": None, "error_message": None,
                "api_version": "2010-04-01", "price": None, "price_unit": "GBP",
                "uri": f"/2010-04-01/Accounts/AC{'0' * 32}/Messages/{sid}.json"})
        return sid

    def texts_to(self, to: str) -> list[dict]:
        with self._lock:
            return [t for t in self.taken if t["to"] == to]

    # Called by the handler threads.
    def _post(self, account: str, form: dict) -> tuple[int, dict, float]:
        with self._lock:
            self.requests.append(form)
            for_phone = self._by_phone.get(form.get("To", ""))
            scripted = (for_phone.popleft() if for_phone else
                        self._script.popleft() if self._script else Scripted())
            if scripted.status >= 400:
                return scripted.status, _error(scripted.status, scripted.code), 0.0
            now = self.clock()
            text = {"sid": "SM" + uuid.uuid4().hex, "account_sid": account,
                    "to": form.get("To", ""), "from": form.get("From", ""),
                    "body": form.get("Body", ""), "status": "queued", "num_segments": "1",
                    "date_created": format_datetime(now, usegmt=True), "date_sent": None,
                    "date_updated": format_datetime(now, usegmt=True), "direction":
                    "outbound-api", "error_code": None, "error_message": None,
                    "api_version": "2010-04-01", "price": None, "price_unit": "GBP",
                    "uri": f"/2010-04-01/Accounts/{account}/Messages/x.json"}
            self.taken.append(text)
            return 201, text, scripted.delay

    def _list(self, to: str | None, sent_from_day: str | None) -> list[dict]:
        with self._lock:
            texts = [*reversed(self.inbound), *reversed(self.taken)]
        texts.sort(key=_sent, reverse=True)       # stable: the same second stays newest first
        return [t for t in texts if (to is None or t["to"] == to) and
                (sent_from_day is None or _sent(t).date().isoformat() >= sent_from_day[:10])]


def _sent(text: dict) -> datetime:
    return parsedate_to_datetime(text["date_sent"] or text["date_created"])


def _error(status: int, code: int) -> dict:
    return {"code": code, "message": ERROR_TEXT.get(code, "error"),
            "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


class _Handler(BaseHTTPRequestHandler):
    twilio: FakeTwilio
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        path = urlparse(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if len(body) < length:          # cut off before its body arrived: no text, as at Twilio
            self.close_connection = True
            return
        raw = body.decode()
        if not path.endswith(MESSAGES):
            return self._answer(404, _error(404, 20404))
        form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        status, payload, delay = self.twilio._post(path.split("/")[3], form)
        if delay:
            time.sleep(delay)
        self._answer(status, payload)

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        if not url.path.endswith(MESSAGES):
            return self._answer(404, _error(404, 20404))
        with self.twilio._lock:
            self.twilio.list_requests.append(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        texts = self.twilio._list(query.get("To"), query.get("DateSent>"))
        size = int(query.get("PageSize") or 50)
        page = int(query.get("Page") or 0)
        shown = texts[page * size:(page + 1) * size]
        later = None
        if (page + 1) * size < len(texts):
            later = url.path + "?" + urlencode({**query, "Page": page + 1,
                                                "PageToken": f"PA{page + 1}"})
        self._answer(200, {"messages": shown, "start": page * size,
                           "end": page * size + max(len(shown) - 1, 0), "page": page,
                           "page_size": size, "first_page_uri": self.path,
                           "next_page_uri": later, "previous_page_uri": None, "uri": self.path})

    def _answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass        # the client gave up waiting (a timeout test)

    def log_message(self, *args) -> None:
        return None
