"""Benchmark: 20,000 reminders due at once, sent by 2 `visitline worker` processes through the
outbox relay and RQ to a local fake of Twilio's Messages API (bench/fake_twilio_server.py).

    .venv/bin/python bench/outbox_benchmark.py [--messages 20000] [--workers 2]

Needs PostgreSQL (TEST_DATABASE_URL, default postgresql://127.0.0.1:5432/test; a database
`visitline_bench` is made afresh) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/15,
flushed). Prints messages per second, and counts proving no text was lost or sent twice:
rows sent, distinct provider SIDs, texts the fake received, distinct texts, duplicates; and the
send jobs that ran (batches, texts sent on their own, jobs in RQ's failed registry) with the
machine's load average, since the workers, PostgreSQL, Redis and the fake share its CPUs.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import redis
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rq.job import Job  # noqa: E402
from rq.registry import FailedJobRegistry  # noqa: E402

from config.migrate import upgrade  # noqa: E402
from config.queueing import job_queue  # noqa: E402
from core.models import OutboundMessage, Visitor  # noqa: E402

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test").replace(
    "postgresql://", "postgresql+psycopg://")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
TWILIO_PORT = 8799


def fresh_database() -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "visitline_bench" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "visitline_bench"'))
    admin.dispose()
    url = make_url(ADMIN_URL).set(database="visitline_bench").render_as_string(hide_password=False)
    upgrade(url)
    return url


def seed(url: str, count: int) -> None:
    """`count` visitors, each with a reminder due a second ago."""
    engine = create_engine(url)
    now = datetime.now(timezone.utc)
    due = now - timedelta(seconds=1)
    with engine.begin() as conn:
        conn.execute(insert(Visitor), [dict(
            first_name="Visitor", last_name=str(n), date_of_birth=datetime(1980, 1, 1).date(),
            phone=f"+4474{n:08d}", language="en", id_status="checked",
            created_at=now) for n in range(count)])
        ids = list(conn.scalars(select(Visitor.id).order_by(Visitor.id)))
        conn.execute(insert(OutboundMessage), [dict(
            dedupe_key=f"reminder-{vid}-48h", kind="reminder", to_phone=f"+4474{n:08d}",
            visitor_id=vid, language="en", status="scheduled", send_after=due, created_at=due,
            body=(f"Reminder: visit at HMP Leeds, Thursday 10 December 14:00. Ref {n:09d}. "
                  "To cancel, reply CANCEL"), attempts=0, error_code="")
            for n, vid in enumerate(ids)])
    engine.dispose()


def counts(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        statuses = dict(conn.execute(select(OutboundMessage.status, func.count())
                                     .group_by(OutboundMessage.status)).all())
        sids = conn.scalar(select(func.count(func.distinct(OutboundMessage.provider_sid))))
    engine.dispose()
    return {"rows": statuses, "distinct_provider_sids": sids}


def job_counts() -> dict:
    """Send jobs still in Redis (finished ones are kept for a few minutes)."""
    connection = redis.Redis.from_url(REDIS_URL)
    prefix = Job.key_for("")
    ids = [key.decode()[len(prefix):] for key in connection.scan_iter(prefix + "send-*", count=1000)
           if b":" not in key[len(prefix):]]
    return {"batches": sum(i.startswith("send-batch-") for i in ids),
            "texts_sent_on_their_own": sum(not i.startswith("send-batch-") for i in ids),
            "failed": FailedJobRegistry(queue=job_queue(connection)).count}


def fake_stats() -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{TWILIO_PORT}/_stats") as answer:
        return json.load(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    url = fresh_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    seed(url, args.messages)
    fake = subprocess.Popen([sys.executable, str(ROOT / "bench" / "fake_twilio_server.py"),
                             "--port", str(TWILIO_PORT)], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=REDIS_URL, VISITLINE_ENV="test",
               SECRET_KEY="x" * 40, TWILIO_ACCOUNT_SID="AC" + "0" * 32,
               TWILIO_AUTH_TOKEN="bench-token", TWILIO_PHONE_NUMBER="+447400000999",
               TWILIO_API_BASE_URL=f"http://127.0.0.1:{TWILIO_PORT}")
    started = time.monotonic()
    workers = [subprocess.Popen([str(ROOT / ".venv" / "bin" / "visitline"), "worker", "--every", "2"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True) for _ in range(args.workers)]
    try:
        while counts(url)["rows"].get("sent", 0) < args.messages:
            if time.monotonic() - started > 600:
                raise SystemExit("not finished in 10 minutes")
            time.sleep(0.25)
        elapsed = time.monotonic() - started
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    time.sleep(0.5)
    result = {"messages": args.messages, "workers": args.workers, "seconds": round(elapsed, 2),
              "messages_per_second": round(args.messages / elapsed, 1),
              "database": counts(url), "fake_twilio": fake_stats(), "jobs": job_counts(),
              "load_average": [round(n, 2) for n in os.getloadavg()], "cpus": os.cpu_count()}
    fake.send_signal(signal.SIGTERM)
    fake.wait()
    print(json.dumps(result, indent=2))
    ok = (result["database"]["rows"] == {"sent": args.messages}
          and result["database"]["distinct_provider_sids"] == args.messages
          and result["fake_twilio"] == {"received": args.messages, "distinct": args.messages,
                                        "duplicates": 0}
          and result["jobs"]["failed"] == 0)
    print("zero losses, zero duplicates" if ok else "COUNTS DO NOT MATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
