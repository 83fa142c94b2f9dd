"""A local fake of Twilio's Messages API, for the outbox benchmark and the worker tests.

POST /2010-04-01/Accounts/<sid>/Messages.json answers 201 with a message SID, as Twilio does,
and counts every text it receives by (To, Body); a request cut off before its whole body arrived
is no text. GET on the same path lists the texts sent to
`To` (so a sender unsure whether an attempt got through can look, as it would at Twilio).
GET /_stats gives the counts as JSON.
Point the real twilio client at it with TWILIO_API_BASE_URL=http://127.0.0.1:<port>.

    python bench/fake_twilio_server.py --port 8765 [--delay 0.05]
"""
from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Received:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.texts: Counter = Counter()
        self.by_phone: dict[str, list[dict]] = {}

    def add(self, to: str, body: str, sid: str) -> None:
        with self.lock:
            self.texts[(to, body)] += 1
            self.by_phone.setdefault(to, []).append({"sid": sid, "to": to, "body": body,
                                                     "status": "queued"})

    def sent_to(self, to: str) -> list[dict]:
        with self.lock:
            return list(reversed(self.by_phone.get(to, [])))

    def stats(self) -> dict:
        with self.lock:
            return {"received": sum(self.texts.values()), "distinct": len(self.texts),
                    "duplicates": sum(n - 1 for n in self.texts.values() if n > 1)}


class FakeTwilio(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, port: int = 0, delay: float = 0.0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.received = Received()
        self.delay = delay

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "FakeTwilio":
        threading.Thread(target=self.serve_forever, name="fake-twilio", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):    # a killed client: expected
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"       # keep-alive, as the twilio client's session expects

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and delayed
        # ACKs hold every answer back about 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        if len(raw) < length:
            # The client went away mid-request (a worker killed between the headers and the
            # body): no text was sent, as at Twilio.
            self.close_connection = True
            return
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if not form.get("To") or not form.get("Body"):
            self._answer(400, {"code": 21604, "message": "A 'To' and a 'Body' are required",
                               "more_info": "https://www.twilio.com/docs/errors/21604",
                               "status": 400})
            return
        if self.server.delay:
            threading.Event().wait(self.server.delay)
        sid = "SM" + uuid.uuid4().hex
        self.server.received.add(form.get("To", ""), form.get("Body", ""), sid)
        account = self.path.split("/")[3] if self.path.count("/") >= 4 else "AC"
        self._answer(201, {"sid": sid, "account_sid": account, "to": form.get("To"),
                           "from": form.get("From"), "body": form.get("Body"),
                           "status": "queued", "num_segments": "1", "error_code": None,
                           "error_message": None, "uri": f"{self.path[:-5]}/{sid}.json"})

    def do_GET(self) -> None:  # noqa: N802
        if "/Messages.json" not in self.path:
            self._answer(200, self.server.received.stats())
            return
        query = parse_qs(urlparse(self.path).query)
        messages = self.server.received.sent_to(query.get("To", [""])[0])
        self._answer(200, {"messages": messages, "next_page_uri": None, "page": 0,
                           "page_size": len(messages), "uri": self.path})

    def _answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args()
    server = FakeTwilio(args.port, args.delay)
    print(f"fake Twilio Messages API on {server.base_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
