"""A local fake of Sentry's ingest endpoint on 127.0.0.1: takes envelopes as the real sentry-sdk
sends them (POST /api/<project>/envelope/, maybe gzipped) and keeps each item's JSON."""
from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSentry:
    def __init__(self):
        self.items: list[dict] = []
        self.raw: list[bytes] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> "FakeSentry":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                fake.raw.append(body)
                for line in body.splitlines()[1:]:     # the first line is the envelope header
                    try:
                        item = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(item, dict) and ("exception" in item or "message" in item
                                                   or "logentry" in item):
                        fake.items.append(item)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self._server.server_address[1]}/1"
