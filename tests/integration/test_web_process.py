"""The web process as an operator watches it, gunicorn started as the Procfile starts it: every
log line JSON, joined by the request id, no phone number written whole; metrics summed across
its workers."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.fake_sentry import FakeSentry
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN, sign

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+447400300146"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(database_url: str, tmp_path, **extra: str):
    port = _free_port()
    env = {**os.environ, "VISITLINE_ENV": "test", "DATABASE_URL": database_url,
           "REDIS_URL": "", "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
           "TWILIO_PHONE_NUMBER": "+447400000999", "SECRET_KEY": "k" * 40,
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "METRICS_TOKEN": "scrape-me",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), **extra}
    log = tmp_path / "web.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:config.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
             "config.wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return process, base, log


@pytest.fixture
def web(databases, tmp_path):
    process, base, log = _start(databases.fresh_url("sqlite"), tmp_path)
    yield base, log
    process.terminate()
    process.wait(10)


def _post_text(base: str, request_id: str, sid: str = "SM" + "a" * 32) -> int:
    params = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": PHONE,
              "To": "+447400000999", "Body": "HELP"}
    request = urllib.request.Request(base + "/sms/inbound", data=urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": sign(base + "/sms/inbound",
                                                                         params),
                                              "X-Request-Id": request_id})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["X-Request-Id"] == request_id
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_every_web_log_line_is_json_joined_by_the_request_id_with_the_number_masked(web):
    base, log = web
    assert _post_text(base, "req-logs-1") == 200
    time.sleep(0.5)
    raw = log.read_text()
    lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
    story = [line for line in lines if line.get("request_id") == "req-logs-1"]
    events = {line["event"] for line in story}
    assert "request" in events and "text received from +44*******146" in events
    access = next(line for line in story if line["event"] == "request")
    assert access["path"] == "/sms/inbound" and access["status"] == 200
    received = next(line for line in story if line["event"].startswith("text received"))
    assert received["message_sid"] == "SM" + "a" * 32 and received["level"] == "INFO"
    assert PHONE not in raw and PHONE[1:] not in raw and "HELP" not in raw


def test_metrics_count_every_workers_requests(web):
    base, _log = web
    for n in range(6):
        _post_text(base, f"req-metrics-{n}", sid=f"SM{n:032d}")
    request = urllib.request.Request(base + "/metrics",
                                     headers={"Authorization": "Bearer scrape-me"})
    with urllib.request.urlopen(request, timeout=10) as response:
        families = {f.name: f.samples for f in text_string_to_metric_families(
            response.read().decode())}
    served = sum(s.value for s in families["visitline_webhook_requests"]
                 if s.labels.get("step") == "sms.inbound" and s.name.endswith("_total"))
    assert served == 6


def test_an_unhandled_failure_reaches_sentry_with_nothing_personal(tmp_path):
    sentry = FakeSentry().start()
    unmigrated = f"sqlite:///{tmp_path / 'no-schema.sqlite'}"
    process, base, _log = _start(unmigrated, tmp_path, SENTRY_DSN=sentry.dsn)
    try:
        assert _post_text(base, "req-sentry-1") == 503     # no table: the text is not stored
        for _ in range(50):
            if sentry.items:
                break
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(10)
        sentry.stop()
    assert sentry.items, "no event reached the fake Sentry"
    event = json.dumps(sentry.items)
    assert "OperationalError" in event and "req-sentry-1" in event
    everything = b"".join(sentry.raw).decode(errors="replace")
    assert PHONE not in everything and PHONE[3:] not in everything
    assert "HELP" not in everything          # the text's body, quoted by the failed INSERT
    assert all("data" not in item.get("request", {}) for item in sentry.items)
