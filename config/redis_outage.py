"""Riding out a Redis outage in the worker, however long, without a supervisor's help.

RQ gives up on a lost connection in three places: its worker loop quits on any error outside
the wait for a job ("found an unhandled exception, quitting"), its scheduler process dies on the
first error, and its wait for a job backs off up to a minute. Here the worker is started again
once Redis answers (config.worker.run_worker), the scheduler waits and carries on, and no wait
grows past MOST_WAIT_SECONDS, so work resumes within seconds of Redis returning. Nothing is
lost meanwhile: texts are rows in PostgreSQL, and the periodic pass hands on again any whose job
went with Redis (config.relay).
"""
from __future__ import annotations

import logging
import signal
import threading
import time

from redis import Redis
from redis.exceptions import RedisError
from rq.scheduler import RQScheduler

log = logging.getLogger(__name__)
FIRST_WAIT_SECONDS = 0.5
MOST_WAIT_SECONDS = 5.0


def waits():
    """Seconds to wait before each try: doubling, up to MOST_WAIT_SECONDS."""
    wait = FIRST_WAIT_SECONDS
    while True:
        yield wait
        wait = min(wait * 2, MOST_WAIT_SECONDS)


def wait_for_redis(connection: Redis, stopping: threading.Event) -> bool:
    """Until Redis answers (True) or the worker is told to stop (False)."""
    for wait in waits():
        try:
            connection.ping()
            return True
        except RedisError as error:
            log.warning("Redis unavailable (%s); trying again in %.1f s", error, wait)
        if stopping.wait(wait):
            return False
    return False  # pragma: no cover - waits() never ends


def stop_on_signals(stopping: threading.Event) -> None:
    """Between two runs of RQ's worker its own handlers would ask Redis for the worker's state
    (and fail): a stop asked for while Redis is away just sets `stopping`."""
    def handler(_signum, _frame):
        stopping.set()
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


class SteadyScheduler(RQScheduler):
    """RQ's scheduler (retries' delays, jobs enqueued for later), kept alive through an outage:
    RQ's own process would end at the first Redis error until the worker's next maintenance
    pass found it dead."""

    def work(self):
        for wait in waits():
            try:
                return super().work()
            except RedisError as error:
                if self._stop_requested:
                    return None
                log.warning("scheduler: Redis unavailable (%s); trying again in %.1f s",
                            error, wait)
                time.sleep(wait)


class RidesOutOutages:
    """For RQ worker classes: a short wait between reconnection tries, and the steady
    scheduler."""

    max_connection_wait_time = MOST_WAIT_SECONDS

    def _start_scheduler(self, burst=False, logging_level="INFO", date_format=None,
                         log_format=None):
        # RQ's own, with SteadyScheduler for RQScheduler (RQ names the class inline).
        options = {key: value for key, value in (("date_format", date_format),
                                                  ("log_format", log_format)) if value}
        self.scheduler = SteadyScheduler(
            self.queues, connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            serializer=self.serializer, **options)
        self.scheduler.acquire_locks()
        if not self.scheduler.acquired_locks:
            return
        if not burst:
            self.scheduler.start()
            return
        try:
            self.scheduler.register_birth()
            self.scheduler.enqueue_scheduled_jobs()
        finally:
            self.scheduler.release_locks()
            self.scheduler.register_death()
