"""PostgreSQL restarted while texts come in and callers are mid-call: the line over HTTP (a
threaded server, as gunicorn's threads serve it) on a PostgreSQL of the test's own, signed
texts and walked calls the whole time. Twilio does not retry an SMS webhook, so a text not stored
is lost; a restart must cost a pause, not a text or a call."""
from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import date, time as clock_time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from config.app import create_app
from config.container import build
from config.db import make_engine
from config.migrate import upgrade
from config.settings import from_environment
from config.terminal_phone import CallWalker, HttpTransport, WalkerError
from core import catalogue
from core.models import InboundMessage
from tests.support.factories import approve, create_prison, create_prisoner, create_template, \
    create_visitor
from tests.support.figures import report
from tests.support.own_servers import own_postgres  # noqa: F401 - a fixture
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN, sign

PIN = "4321"
CALLERS = 3
TEXTERS = 3
DOWN_SECONDS = 2.0
SORRY = catalogue.render("ivr_sorry_error", "en")


@pytest.fixture
def line(own_postgres, hasher, tmp_path):
    upgrade(own_postgres.url)
    engine = make_engine(own_postgres.url)
    with Session(engine) as session:
        prison = create_prison(session, code="LEI", name="HMP Leeds")
        for weekday in range(7):
            create_template(session, prison, weekday=weekday, start=clock_time(14),
                            end=clock_time(16))
        for n in range(CALLERS):
            prisoner = create_prisoner(session, prison, number=f"A{n:04d}BC")
            visitor = create_visitor(session, first_name=f"Caller{n}", phone=_caller(n),
                                     pin_hash=hasher.hash(PIN), date_of_birth=date(1990, 1, 1))
            approve(session, prisoner, visitor)
        session.commit()
    settings = from_environment({
        "VISITLINE_ENV": "test", "DATABASE_URL": own_postgres.url, "REDIS_URL": "",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": "+447400000999", "SECRET_KEY": "x" * 40}, instance=tmp_path)
    server = make_server("127.0.0.1", 0, create_app(container=build(settings, engine=engine)),
                         threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", engine
    server.shutdown()
    engine.dispose()


def _caller(n: int) -> str:
    return f"+4474005000{n:02d}"


class Traffic:
    """Texts and calls from several threads until told to stop, with what each got."""

    def __init__(self, base: str):
        self.base = base
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.texts: dict[str, int] = {}          # MessageSid -> HTTP status
        self.calls: list[str] = []               # "ok", "apologised" or "failed: ..."
        self.slowest = 0.0

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._text, args=(n,)) for n in range(TEXTERS)]
        threads += [threading.Thread(target=self._call, args=(n,)) for n in range(CALLERS)]
        for thread in threads:
            thread.start()
        return threads

    def _text(self, n: int) -> None:
        while not self.stopping.is_set():
            sid = "SM" + uuid.uuid4().hex
            params = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": f"+4474006000{n:02d}",
                      "To": "+447400000999", "Body": "HELP"}
            url = self.base + "/sms/inbound"
            request = urllib.request.Request(url, data=urlencode(params).encode(),
                                             headers={"X-Twilio-Signature": sign(url, params)})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=15) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            self._took(time.monotonic() - started)
            with self.lock:
                self.texts[sid] = status
            time.sleep(0.05)

    def _call(self, n: int) -> None:
        while not self.stopping.is_set():
            walker = CallWalker(_TimedTransport(self, HttpTransport(self.base, AUTH_TOKEN)),
                                from_phone=_caller(n))
            try:
                walker.start()
                walker.wait()                   # no Welsh: on to who is calling
                walker.press(PIN + "#")
                walker.press("2")               # the caller's visits
                walker.hang_up()
                outcome = "apologised" if SORRY in walker.said() else "ok"
            except WalkerError as error:
                outcome = f"failed: {error}"
            with self.lock:
                self.calls.append(outcome)

    def _took(self, seconds: float) -> None:
        with self.lock:
            self.slowest = max(self.slowest, seconds)


class _TimedTransport:
    def __init__(self, traffic: Traffic, transport: HttpTransport):
        self._traffic, self._transport = traffic, transport

    def post(self, url: str, params: dict) -> tuple[int, str]:
        started = time.monotonic()
        try:
            return self._transport.post(url, params)
        finally:
            self._traffic._took(time.monotonic() - started)


@pytest.mark.slow
def test_a_postgresql_restart_loses_no_text_and_no_caller_hears_an_apology(
        line, own_postgres, capsys):
    base, engine = line
    traffic = Traffic(base)
    threads = traffic.run()
    time.sleep(2)
    own_postgres.stop("fast")                  # every connection closed, as a restart does
    time.sleep(DOWN_SECONDS)
    own_postgres.start()
    back_at = time.monotonic()
    time.sleep(4)
    traffic.stopping.set()
    for thread in threads:
        thread.join(timeout=30)
    with Session(engine) as session:
        stored = set(session.scalars(select(InboundMessage.message_sid)))
        total = session.scalar(select(func.count()).select_from(InboundMessage))
    lost = [sid for sid in traffic.texts if sid not in stored]
    refused = [status for status in traffic.texts.values() if status != 200]
    apologised = [c for c in traffic.calls if c != "ok"]
    report(capsys, f"PostgreSQL restarted (down {DOWN_SECONDS:.0f} s) under calls and texts",
           texts=len(traffic.texts), texts_lost=len(lost), texts_refused=len(refused),
           texts_stored_twice=total - len(stored), calls=len(traffic.calls),
           calls_apologised_or_failed=len(apologised), slowest_answer_seconds=traffic.slowest,
           seconds_after_restart_checked=time.monotonic() - back_at)
    assert traffic.texts and traffic.calls
    assert lost == [] and refused == []
    assert apologised == []
    assert traffic.slowest < 15                # Twilio's webhook timeout
