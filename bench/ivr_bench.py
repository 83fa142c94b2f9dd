"""The busiest IVR step under load, beside a bare Flask route, in one run.

The busiest step is the answer to "who is coming with you?": it claims the turn, reads the
call's state, runs availability for the whole booking window (the prisoner's calendar, every
slot's rules, stale holds) and keeps the new state and its TwiML. Each request is a different
call (its own CallSid, prepared at that step), so none is a replay. The bare route answers a
fixed TwiML document. Both are served by gunicorn (same workers and threads), both check the
Twilio signature, and both are driven by the same 50 concurrent callers.

    .venv/bin/python bench/ivr_bench.py [--requests 3000] [--concurrency 50]

PostgreSQL at BENCH_DATABASE_URL (default postgresql+psycopg://127.0.0.1:5432/test: a database
`visitline_bench` is made beside it). Goal: at least half the bare route's throughput and
p99 < 50 ms at 50 concurrent calls.
"""
from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-auth-token-0123456789abcdef"
ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://127.0.0.1:5432/test")
IVR_PORT, BARE_PORT = 8611, 8612


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    url = make_database()
    sids = prepare_calls(url, args.requests + args.concurrency)
    env = dict(os.environ, DATABASE_URL=url, VISITLINE_ENV="production", SECRET_KEY="b" * 40,
               TWILIO_AUTH_TOKEN=TOKEN, TWILIO_ACCOUNT_SID="AC" + "0" * 32, REDIS_URL="")
    servers = [serve("config.wsgi:app", IVR_PORT, env, args),
               serve("bench.ivr_bare_app:app", BARE_PORT, env, args)]
    try:
        warm = sids[:args.concurrency]
        run(IVR_PORT, "/ivr/party?t=5", warm, args.concurrency)      # pools and caches
        run(BARE_PORT, "/bare", warm, args.concurrency)
        ivr = run(IVR_PORT, "/ivr/party?t=5", sids[args.concurrency:], args.concurrency)
        bare = run(BARE_PORT, "/bare", sids[args.concurrency:], args.concurrency)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    report("IVR step /ivr/party (availability + call state)", ivr)
    report("bare Flask route, fixed TwiML", bare)
    print(f"throughput ratio IVR/bare: {ivr['rps'] / bare['rps']:.2f} "
          f"(goal >= 0.50); IVR p99 {ivr['p99']:.1f} ms (goal < 50 ms)")


def make_database() -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "visitline_bench" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "visitline_bench"'))
    admin.dispose()
    url = make_url(ADMIN_URL).set(database="visitline_bench").render_as_string(
        hide_password=False)
    from config.migrate import upgrade
    upgrade(url)
    return url


def prepare_calls(url: str, count: int) -> list[str]:
    """Load the demo, then `count` calls from Sarah Hughes waiting at "who is coming?"."""
    from config.container import build
    from config.demo import seed_demo
    from config.settings import from_environment
    from core.models import CallState, Prisoner, Visitor
    container = build(from_environment({"DATABASE_URL": url, "VISITLINE_ENV": "development"}))
    seed_demo(container)
    with container.session() as session:
        sarah = session.scalar(select(Visitor).where(Visitor.first_name == "Sarah"))
        mia = session.scalar(select(Visitor).where(Visitor.first_name == "Mia"))
        daniel = session.scalar(select(Prisoner).where(Prisoner.number == "A1234BC"))
        now = container.clock.now()
        sids = [f"CAbench{i:08d}" for i in range(count)]
        session.add_all(CallState(call_sid=sid, from_phone=sarah.phone, created_at=now,
                                  updated_at=now, data={
                                      "turn": 5, "sid": sid, "from": sarah.phone, "lang": "en",
                                      "step": "party", "tries": 0, "known": True,
                                      "visitor_id": sarah.id, "purpose": "book",
                                      "prisoner_id": daniel.id, "prison_id": daniel.prison_id,
                                      "prisoner_name": daniel.name, "prison_name": "HMP Brixton",
                                      "companions": [[mia.id, "Mia"]]})
                        for sid in sids)
        session.commit()
    container.engine.dispose()
    return sids


def serve(app: str, port: int, env: dict, args) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", str(args.threads),
         "--worker-class", "gthread", "--log-level", "warning"],
        cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn for {app} did not start")


def run(port: int, path: str, sids: list[str], concurrency: int) -> dict:
    validator = RequestValidator(TOKEN)
    url = f"http://127.0.0.1:{port}{path}"
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    queue = list(reversed(sids))

    def caller():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                sid = queue.pop()
            params = {"CallSid": sid, "From": "+447400100001", "To": "+447400000999",
                      "Digits": "1#", "AccountSid": "AC" + "0" * 32}
            body = urllib.parse.urlencode(params)
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": validator.compute_signature(url, params)}
            started = time.perf_counter()
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            payload = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200 or b"<Gather" not in payload:
                    errors.append((response.status, payload[:200]))
        conn.close()

    threads = [threading.Thread(target=caller) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} bad answers from {path}, e.g. {errors[0]}")
    latencies.sort()
    return {"n": len(latencies), "rps": len(latencies) / wall,
            "p50": statistics.median(latencies),
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]}


def report(name: str, result: dict) -> None:
    print(f"{name}: {result['n']} requests, {result['rps']:.0f} req/s, "
          f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms")


if __name__ == "__main__":
    main()
