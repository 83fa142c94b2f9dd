"""A local fake of Twilio's IncomingPhoneNumbers API on 127.0.0.1, for `visitline twilio setup`:
the real twilio client lists a number (GET ...IncomingPhoneNumbers.json?PhoneNumber=) and
updates it (POST ...IncomingPhoneNumbers/<sid>.json); the fake keeps each number's fields and
records every update as sent."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

FIELDS = ("voice_url", "voice_method", "voice_fallback_url", "voice_fallback_method",
          "status_callback", "status_callback_method", "sms_url", "sms_method",
          "sms_fallback_url", "sms_fallback_method")


class FakeTwilioNumbers:
    def __init__(self, numbers: dict[str, dict]):
        """numbers: phone number -> its fields as Twilio holds them (snake_case)."""
        self.numbers = {phone: {"sid": f"PN{n:032d}", "phone_number": phone,
                                **{f: None for f in FIELDS}, **fields}
                        for n, (phone, fields) in enumerate(numbers.items(), start=1)}
        self.updates: list[dict] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> "FakeTwilioNumbers":
        fake = self

        class Handler(_Handler):
            numbers = fake

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


class _Handler(BaseHTTPRequestHandler):
    numbers: FakeTwilioNumbers
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        if not url.path.endswith("/IncomingPhoneNumbers.json"):
            return self._answer(404, {"code": 20404, "status": 404, "message": "not found"})
        wanted = parse_qs(url.query).get("PhoneNumber", [None])[-1]
        found = [n for phone, n in self.numbers.numbers.items() if wanted in (None, phone)]
        self._answer(200, {"incoming_phone_numbers": found, "page": 0, "page_size": 50,
                           "start": 0, "end": max(len(found) - 1, 0), "uri": self.path,
                           "first_page_uri": self.path, "next_page_uri": None,
                           "previous_page_uri": None})

    def do_POST(self) -> None:  # noqa: N802
        sid = urlparse(self.path).path.rsplit("/", 1)[-1].removesuffix(".json")
        form = {k: v[-1] for k, v in parse_qs(
            self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()).items()}
        number = next((n for n in self.numbers.numbers.values() if n["sid"] == sid), None)
        if number is None:
            return self._answer(404, {"code": 20404, "status": 404, "message": "not found"})
        self.numbers.updates.append(form)
        for key, value in form.items():    # Twilio's form names are CamelCase: VoiceUrl
            number["".join("_" + c.lower() if c.isupper() else c for c in key).lstrip("_")] = value
        self._answer(200, number)

    def _answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        return None
