"""The phone line's busiest step under load, beside a bare Flask route, in one run (issue #3).

The busiest step is the greeting, `POST /ivr/voice`: every call passes through it, and first, so
no step is reached more often (the language choice after it, `/ivr/welcome`, as often at most;
identification only by known callers, and it checks a PIN hash; booking steps by few calls).
Its database work is real and per call: the caller's number finds who is calling and the
language to greet them in (their own, or Welsh if their prisoner's prison is), and the new
call's state is kept with its answer, so that any worker serves the next step and a repeated
delivery is answered the same. Each request is a new call (its own CallSid) from one of the
demo's numbers or an unknown one, so none is a replay and no answer is reused.

This bench measured `/ivr/party` ("who is coming with you?") before. That step is the heaviest,
not the busiest: only callers booking for a party reach it, and its cost is availability over
the whole booking window (core.availability), not the phone line. It is still measured here,
for the record (`--no-party` skips it; `--step party` checks the goal on it instead).

The bare route answers a fixed TwiML document. Both apps are served by gunicorn with the same
options (workers, threads, worker class), both check the Twilio signature on every request, and
both are driven by the same 50 concurrent callers, one after the other in the same run. The
callers run on the same machine, so the load average is printed with the figures.

Beside them, the floor (bench/ivr_floor_app.py; `--no-floor` skips it): the least a greeting
could do with PostgreSQL, one prepared SELECT and one INSERT through the raw driver with a fixed
answer, under the same server, signature check and callers. Where the floor itself misses the
goal, no greeting that looks its caller up and keeps the call in PostgreSQL can meet it on that
machine; the line's own figure is then read against the floor.

    .venv/bin/python bench/ivr_bench.py [--requests 3000] [--concurrency 50]

PostgreSQL at BENCH_DATABASE_URL (default postgresql+psycopg://127.0.0.1:5432/test): a database
`visitline_bench_ivr_<pid>` is made beside it for the run and dropped after. Goal: the busiest
step has at least half the bare route's throughput and p99 < 50 ms at 50 concurrent calls.
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
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
UNKNOWN_NUMBER = "+447400199999"
PARTY_TURN = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--step", choices=("voice", "party"), default="voice",
                        help="the step the goal is checked on (default: the greeting)")
    parser.add_argument("--no-party", action="store_true",
                        help="skip the record of the party step")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the floor (a lookup and an insert through the raw driver)")
    args = parser.parse_args()
    name = f"visitline_bench_ivr_{os.getpid()}"
    url = make_database(name)
    try:
        measure(args, url)
    finally:
        drop_database(name)


def measure(args, url: str) -> None:
    numbers, party_calls = prepare(url, args.requests + args.concurrency)
    env = dict(os.environ, DATABASE_URL=url, VISITLINE_ENV="production", SECRET_KEY="b" * 40,
               TWILIO_AUTH_TOKEN=TOKEN, TWILIO_ACCOUNT_SID="AC" + "0" * 32, REDIS_URL="")
    ivr_port, bare_port, floor_port = free_port(), free_port(), free_port()
    servers = [serve("config.wsgi:app", ivr_port, env, args),
               serve("bench.ivr_bare_app:app", bare_port, env, args)]
    if not args.no_floor:
        servers.append(serve("bench.ivr_floor_app:app", floor_port, env, args))
    steps = {"voice": Step("/ivr/voice", "greeting /ivr/voice (caller lookup + new call state)",
                           greetings(numbers, args.requests + args.concurrency)),
             "party": Step(f"/ivr/party?t={PARTY_TURN}",
                           "party /ivr/party (availability + call state)",
                           [{"CallSid": sid, "From": numbers[0], "Digits": "1#"}
                            for sid in party_calls])}
    bare = Step("/bare", "bare Flask route, fixed TwiML",
                [{"CallSid": f"CAbare{i:08d}", "From": numbers[0], "Digits": "1"}
                 for i in range(args.requests + args.concurrency)])
    floor = Step("/floor", "floor: raw-driver lookup + insert, fixed TwiML",
                 [dict(call, CallSid=call["CallSid"].replace("CAvoice", "CAfloor"))
                  for call in greetings(numbers, args.requests + args.concurrency)])
    measured = [args.step] + ([] if args.step == "party" or args.no_party else ["party"])
    results = {}
    load_before = os.getloadavg()[0]
    try:
        warm = args.concurrency
        for name in measured:                      # pools, caches, imports: not measured
            run(ivr_port, steps[name].path, steps[name].calls[:warm], args.concurrency)
        run(bare_port, bare.path, bare.calls[:warm], args.concurrency)
        if not args.no_floor:
            run(floor_port, floor.path, floor.calls[:warm], args.concurrency)
        for name in measured:
            results[name] = run(ivr_port, steps[name].path, steps[name].calls[warm:],
                                args.concurrency)
        results["bare"] = run(bare_port, bare.path, bare.calls[warm:], args.concurrency)
        if not args.no_floor:
            results["floor"] = run(floor_port, floor.path, floor.calls[warm:], args.concurrency)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    for name in measured:
        report(steps[name].title, results[name])
    report(bare.title, results["bare"])
    if "floor" in results:
        report(floor.title, results["floor"])
    goal = results[args.step]
    print(f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"({os.cpu_count()} CPUs)")
    print(f"goal, {steps[args.step].path}: throughput ratio step/bare "
          f"{goal['rps'] / results['bare']['rps']:.2f} (goal >= 0.50); p99 {goal['p99']:.1f} ms "
          f"(goal < 50 ms) at {args.concurrency} concurrent calls")
    if "floor" in results:
        print(f"floor: throughput ratio floor/bare {results['floor']['rps'] / results['bare']['rps']:.2f}"
              f", p99 {results['floor']['p99']:.1f} ms; the step reaches "
              f"{goal['rps'] / results['floor']['rps']:.2f} of the floor's throughput")


class Step:
    def __init__(self, path: str, title: str, calls: list[dict]):
        self.path, self.title, self.calls = path, title, calls


def make_database(name: str) -> str:
    drop_database(name)
    _admin(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    from config.migrate import upgrade
    upgrade(url)
    return url


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(statement: str) -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


def prepare(url: str, count: int) -> tuple[list[str], list[str]]:
    """Load the demo; its callers' numbers (Sarah Hughes first), and `count` calls from Sarah
    Hughes waiting at "who is coming?"."""
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
        numbers = [sarah.phone] + sorted(set(session.scalars(select(Visitor.phone).where(
            Visitor.phone.is_not(None), Visitor.phone != sarah.phone))))
        now = container.clock.now()
        sids = [f"CAparty{i:08d}" for i in range(count)]
        session.add_all(CallState(call_sid=sid, from_phone=sarah.phone, created_at=now,
                                  updated_at=now, data={
                                      "turn": PARTY_TURN, "sid": sid, "from": sarah.phone,
                                      "lang": "en", "step": "party", "tries": 0, "known": True,
                                      "visitor_id": sarah.id, "purpose": "book",
                                      "prisoner_id": daniel.id, "prison_id": daniel.prison_id,
                                      "prisoner_name": daniel.name, "prison_name": "HMP Brixton",
                                      "companions": [[mia.id, "Mia"]]})
                        for sid in sids)
        session.commit()
    container.engine.dispose()
    return numbers, sids


def greetings(numbers: list[str], count: int) -> list[dict]:
    """New calls, each from the next of the demo's numbers or (one in ten) an unknown one."""
    return [{"CallSid": f"CAvoice{i:08d}",
             "From": UNKNOWN_NUMBER if i % 10 == 9 else numbers[i % len(numbers)]}
            for i in range(count)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def run(port: int, path: str, calls: list[dict], concurrency: int) -> dict:
    """Each call's request signed as Twilio signs it, sent by `concurrency` callers at once."""
    validator = RequestValidator(TOKEN)
    url = f"http://127.0.0.1:{port}{path}"
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    queue = list(reversed(calls))

    def caller():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                call = queue.pop()
            params = dict(call, To="+447400000999", AccountSid="AC" + "0" * 32)
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
