"""The RQ worker with its scheduler, and the periodic loop beside it.

The loop holds no schedule of its own: every `every` seconds it enqueues one `tick` job (its id
names the period, so several workers enqueue it once), and once a day a `daily` job. The tick
re-reads the database for what is due, so reminders, expiries and renewals survive a worker
restart and a Redis flush: nothing in Redis is the only record of anything.

A Redis outage of any length stops neither (config.redis_outage): RQ's worker is started again
once Redis answers, first handing on again the texts whose jobs went with Redis; the loop tries
every few seconds meanwhile, so its pass (which does the same) comes soon after Redis returns.
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
from .redis_outage import RidesOutOutages, stop_on_signals, wait_for_redis, waits

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
        retry = waits()
        while not self._stop.is_set():
            try:
                self.enqueue_due()
                retry = waits()
                wait = self._every
            except RedisError as error:
                # Soon again, not a whole period later: the pass after an outage is what
                # hands on the texts whose jobs Redis lost.
                wait = min(next(retry), self._every)
                log.warning("periodic jobs not enqueued, Redis unavailable: %s", error)
            self._stop.wait(wait)


class LineWorker(RidesOutOutages, SimpleWorker):
    """Runs each job in this process: no fork per text, which is what lets two workers send
    hundreds a second. A job that has run past its timeout plus `heartbeat_margin` seconds is
    presumed abandoned (its worker killed) and retried; RQ's fixed 60 is the default margin."""

    heartbeat_margin = 60

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        if job.timeout == -1:
            return super().get_heartbeat_ttl(job, working_time)
        return int(job.timeout or DEFAULT_WORKER_TTL) + self.heartbeat_margin


class ForkingWorker(RidesOutOutages, Worker):
    """RQ's forking worker (`--fork`), riding out Redis outages like LineWorker."""


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
        return ForkingWorker([job_queue(connection)], connection=connection,
                             worker_ttl=worker_ttl, maintenance_interval=maintenance_interval)
    worker = LineWorker([job_queue(connection)], connection=connection, worker_ttl=worker_ttl,
                        maintenance_interval=maintenance_interval, job_monitoring_interval=10)
    worker.heartbeat_margin = heartbeat_margin
    return worker


def run_worker(container: Container, *, burst: bool = False, fork: bool = False,
               every: int = TICK_SECONDS, maintenance_interval: int = MAINTENANCE_SECONDS,
               heartbeat_margin: int = 60) -> bool:
    """Run jobs until stopped (or, in burst mode, until the queue is empty), through any Redis
    outage."""
    jobs.use(container)
    connection = redis_connection(container.settings.redis_url)
    loop = PeriodicLoop(job_queue(connection), every)
    if burst:
        loop.enqueue_due()      # whatever the database says is due, at once
    else:
        loop.start()            # which does the same first
    stopping = threading.Event()
    try:
        while True:
            worker = make_worker(connection, fork=fork, maintenance_interval=maintenance_interval,
                                 heartbeat_margin=heartbeat_margin)
            worked = _work_once(worker, burst)
            if burst or _asked_to_stop(worker):
                return worked
            stop_on_signals(stopping)
            if not wait_for_redis(connection, stopping):
                return worked
            log.warning("Redis answers again: the worker starts again")
            _hand_on_lost_texts()
    finally:
        loop.stop()


def _hand_on_lost_texts() -> None:
    """Texts whose jobs went with Redis go again now, not at the next periodic pass."""
    try:
        log.warning("texts handed on again after the outage: %d", jobs.relay_outbox())
    except Exception:  # noqa: BLE001 - the periodic pass tries again
        log.exception("texts not handed on after the outage")


def _asked_to_stop(worker: Worker) -> bool:
    # RQ keeps no public record of why its loop ended; a SIGTERM or SIGINT sets one of these.
    return worker._stop_requested or worker._shutdown_requested_date is not None


def _work_once(worker: Worker, burst: bool) -> bool:
    """One run of RQ's worker, until stopped or its connection to Redis failed. (RQ logs "found
    an unhandled exception, quitting" then; here it is not the end.)"""
    try:
        return worker.work(burst=burst, with_scheduler=True)
    except RedisError as error:      # at its start or its end, registering birth or death
        log.warning("worker stopped, Redis unavailable: %s", error)
        return False
