"""The `visitline` command line against a SQLite file named by DATABASE_URL, as a person runs it."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select

from config.cli import main
from config.cli_serve import announce
from config.settings import from_environment
from core.models import Prison

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-load.json"


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


@pytest.fixture
def run(database_url, tmp_path):
    def run(*args: str, **env: str):
        environment = {"DATABASE_URL": database_url, "VISITLINE_INSTANCE": str(tmp_path),
                       "REDIS_URL": "", **env}
        return CliRunner(env=environment).invoke(main, list(args))
    return run


def prison_codes(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return sorted(connection.scalars(select(Prison.code)))
    finally:
        engine.dispose()


def test_db_upgrade_makes_the_schema(run, database_url):
    result = run("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert f"schema up to date: {database_url}" in result.stdout
    assert prison_codes(database_url) == []


def test_load_reports_what_it_did_and_a_second_load_changes_nothing(run, database_url):
    run("db", "upgrade")

    first = run("load", str(EXAMPLE))
    second = run("load", str(EXAMPLE))

    assert first.exit_code == 0, first.output
    assert "prison: 2 created, 0 updated, 0 unchanged" in first.stdout
    assert second.exit_code == 0, second.output
    assert "prison: 0 created, 0 updated, 2 unchanged" in second.stdout
    assert prison_codes(database_url) == ["BXI", "CFI"]


def test_a_bad_file_is_not_loaded_and_every_problem_is_listed(run, database_url, tmp_path):
    run("db", "upgrade")
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["visitors"][2]["phone"] = "07700900123"
    data["prisoners"][1]["legal_status"] = "sentenced"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")

    result = run("load", str(bad))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}: not loaded, 2 problem(s):",
        "  prisoners[1].legal_status: must be one of convicted, remand, not \"sentenced\"",
        "  visitors[2].phone: not a valid phone number \"07700900123\"",
    ]
    assert prison_codes(database_url) == []


def test_seed_demo_lists_the_demo_callers_and_can_run_again(run, database_url):
    run("db", "upgrade")

    first = run("seed-demo")
    again = run("seed-demo")

    assert first.exit_code == 0, first.output
    assert "07400 100001  PIN 4821  Sarah Hughes" in first.stdout
    assert "nothing changed" in again.stdout
    assert prison_codes(database_url) == ["BXI", "CFI", "LEI"]


@pytest.mark.parametrize("name, value, message", [
    ("RETENTION_DAYS", "abc", "setting RETENTION_DAYS: must be a whole number, not 'abc'"),
    ("VISITLINE_ENV", "staging", "setting VISITLINE_ENV: must be one of development, "
                                 "production, test, not 'staging'"),
    ("DATABASE_URL", "mysql://x", "setting DATABASE_URL: must be a sqlite:/// or "
                                  "postgresql:// URL"),
])
def test_a_malformed_setting_stops_the_command_naming_the_variable(run, name, value, message):
    result = run("db", "upgrade", **{name: value})

    assert result.exit_code == 2
    assert result.stderr.strip() == f"visitline cannot start: {message}"


def test_serve_says_where_the_database_is_and_that_jobs_run_in_process(tmp_path):
    settings = from_environment({"DATABASE_URL": "sqlite:////srv/line.sqlite"}, instance=tmp_path)

    lines = announce(settings, url="http://127.0.0.1:5001")

    assert lines[0] == "visitline development line on http://127.0.0.1:5001"
    assert "  database: sqlite:////srv/line.sqlite" in lines
    assert "  jobs: run in-process (no REDIS_URL set)" in lines
    assert any("visitline phone --from +447400100001" in line for line in lines)


def test_serve_hides_passwords_and_says_jobs_go_to_redis(tmp_path):
    settings = from_environment({"DATABASE_URL": "postgresql://line:s3cret@db/visits",
                                 "REDIS_URL": "redis://cache:6379/0"}, instance=tmp_path)

    lines = announce(settings)

    assert "  database: postgresql://line:***@db/visits" in lines
    assert any(line.startswith("  jobs: queued in Redis at redis://cache:6379/0")
               for line in lines)
    assert "s3cret" not in "\n".join(lines)


def test_serve_has_a_port_option(run):
    result = run("serve", "--help")

    assert result.exit_code == 0
    assert "--port" in result.stdout


def test_the_demo_line_served_in_development_can_be_phoned_from_a_terminal(run, database_url,
                                                                            tmp_path):
    """README's promise: `scripts/demo` serves the line, and `visitline phone --url` calls it
    with no Twilio account. Both sides derive the same signing token in development."""
    assert run("db", "upgrade").exit_code == 0
    assert run("seed-demo").exit_code == 0
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=database_url, VISITLINE_INSTANCE=str(tmp_path),
               VISITLINE_ENV="development", REDIS_URL="")
    env.pop("TWILIO_AUTH_TOKEN", None)
    command = [sys.executable, "-c", "from config.cli import main; main()"]
    server = subprocess.Popen([*command, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        call = subprocess.run([*command, "phone", "--from", "+447400100001",
                               "--url", f"http://127.0.0.1:{port}"], env=env,
                              input="\n4821#\nh\n", capture_output=True, text=True, timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert call.returncode == 0, call.stdout + call.stderr
    assert "Hello Sarah" in call.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the line did not start listening on port {port}")
