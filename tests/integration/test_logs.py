"""The web process's logs as an operator reads them: gunicorn started as the Procfile starts it,
every line JSON, joined by the request id, and no phone number written whole."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN, sign

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+447400300146"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def web(databases, tmp_path):
    port = _free_port()
    env = {**os.environ, "VISITLINE_ENV": "test", "DATABASE_URL": databases.fresh_url("sqlite"),
           "REDIS_URL": "", "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
           "TWILIO_PHONE_NUMBER": "+447400000999", "SECRET_KEY": "k" * 40,
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    log = tmp_path / "web.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:config.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
             "config.wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        process.wait(10)


def _post_text(base: str, request_id: str) -> None:
    params = {"MessageSid": "SM" + "a" * 32, "AccountSid": ACCOUNT_SID, "From": PHONE,
              "To": "+447400000999", "Body": "HELP"}
    request = urllib.request.Request(base + "/sms/inbound", data=urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": sign(base + "/sms/inbound",
                                                                         params),
                                              "X-Request-Id": request_id})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["X-Request-Id"] == request_id


def test_every_web_log_line_is_json_joined_by_the_request_id_with_the_number_masked(web):
    base, log = web
    _post_text(base, "req-logs-1")
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
