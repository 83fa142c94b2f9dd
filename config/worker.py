"""The RQ worker with its scheduler, and the periodic loop beside it.

The loop holds no schedule of its own: every `every` seconds it enqueues one `tick` job (its id
names the period, so several workers enqueue it once), and once a day a `daily` job. The tick
re-reads the database for what is due, so reminders, expiries and renewals survive a worker
restart and a Redis flush: nothing in Redis is the only record of anything.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker
from rq.defaults import DEFAULT_WORKER_TTL
from rq.exceptions import DuplicateJobError

from core.clock import LONDON

from . import jobs
from .container import Container
from .queueing import REDIS_TIMEOUT_SECONDS, job_queue, redis_connection

log = logging.getLogger(__name__)
TICK_SECONDS = 30
DAILY_HOUR = 5                  # London time: tomorrow's lists are ready before staff arrive
MAINTENANCE_SECONDS = 60        # how soon a killed worker's job is found and retried


class PeriodicLoop:
    def __init__(self, queue: Queue, every: int = TICK_SECONDS):
        self._queue = queue
        self._every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def enqueue_due(self, moment: datetime | None = None) -> list[str]:
        """Enqueue this period's tick, and today's daily job once it is time. Returns the ids
        enqueued (none if another worker already did)."""
        moment = moment or datetime.now(timezone.utc)
        wanted = [(jobs.tick_job_id(moment, self._every), "config.jobs.tick")]
        local = moment.astimezone(LONDON)
        if local.hour >= DAILY_HOUR:
            wanted.append((jobs.daily_job_id(local.date()), "config.jobs.daily"))
        enqueued = []
        for job_id, func in wanted:
            try:
                self._queue.enqueue(func, job_id=job_id, unique=True, result_ttl=86400,
                                    description=job_id)
                enqueued.append(job_id)
            except DuplicateJobError:
                pass
        return enqueued

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="visitline-periodic", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.enqueue_due()
            except RedisError as error:
                log.warning("periodic jobs not enqueued, Redis unavailable: %s", error)
            self._stop.wait(self._every)


class LineWorker(SimpleWorker):
    """Runs each job in this process: no fork per text, which is what lets two workers send
    hundreds a second. A job that has run past its timeout plus `heartbeat_margin` seconds is
    presumed abandoned (its worker killed) and retried; RQ's fixed 60 is the default margin."""

    heartbeat_margin = 60

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        if job.timeout == -1:
            return super().get_heartbeat_ttl(job, working_time)
        return int(job.timeout or DEFAULT_WORKER_TTL) + self.heartbeat_margin


def _worker_ttl(maintenance_interval: int) -> int:
    """RQ waits for a job for `worker_ttl - 15` seconds. That wait must end before the Redis
    socket timeout (else RQ takes the timeout for a lost connection and sleeps, backing off up to
    a minute, with new jobs waiting), and in time for the next maintenance pass, which is what
    finds a killed worker's job."""
    return 15 + max(1, min(maintenance_interval, REDIS_TIMEOUT_SECONDS - 1))


def make_worker(connection: Redis, *, fork: bool = False,
                maintenance_interval: int = MAINTENANCE_SECONDS,
                heartbeat_margin: int = 60) -> Worker:
    worker_ttl = _worker_ttl(maintenance_interval)
    if fork:
        return Worker([job_queue(connection)], connection=connection, worker_ttl=worker_ttl,
                      maintenance_interval=maintenance_interval)
    worker = LineWorker([job_queue(connection)], connection=connection, worker_ttl=worker_ttl,
                        maintenance_interval=maintenance_interval, job_monitoring_interval=10)
    worker.heartbeat_margin = heartbeat_margin
    return worker


def run_worker(container: Container, *, burst: bool = False, fork: bool = False,
               every: int = TICK_SECONDS, maintenance_interval: int = MAINTENANCE_SECONDS,
               heartbeat_margin: int = 60) -> bool:
    """Run jobs until stopped (or, in burst mode, until the queue is empty)."""
    jobs.use(container)
    connection = redis_connection(container.settings.redis_url)
    loop = PeriodicLoop(job_queue(connection), every)
    loop.enqueue_due()          # at start: whatever the database says is due, at once
    if not burst:
        loop.start()
    try:
        worker = make_worker(connection, fork=fork, maintenance_interval=maintenance_interval,
                             heartbeat_margin=heartbeat_margin)
        return worker.work(burst=burst, with_scheduler=True)
    finally:
        loop.stop()
