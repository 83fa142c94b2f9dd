"""The Procfile's three processes. The web process answers a repeated Twilio delivery by waiting
(up to a few seconds) for the first one's answer, so it must serve other requests meanwhile:
threads, not one sync request per worker."""
from __future__ import annotations

import shlex
from pathlib import Path

from sms.views import REPEAT_WAIT_SECONDS

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"


def _processes() -> dict[str, list[str]]:
    lines = [line.split(":", 1) for line in PROCFILE.read_text().splitlines() if line.strip()]
    return {name.strip(): shlex.split(command) for name, command in lines}


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_release_migrates_web_serves_the_app_and_worker_runs_the_jobs():
    processes = _processes()
    assert processes["release"] == ["visitline", "db", "upgrade"]
    assert processes["web"][0] == "gunicorn" and processes["web"][-1] == "config.wsgi:app"
    assert processes["worker"] == ["visitline", "worker"]


def test_the_web_process_keeps_serving_while_a_repeat_waits_for_the_first_answer():
    web = _processes()["web"]
    assert _option(web, "--worker-class") == "gthread"
    assert int(_option(web, "--threads")) >= 4
    assert int(_option(web, "--timeout")) > REPEAT_WAIT_SECONDS
