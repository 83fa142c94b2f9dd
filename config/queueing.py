"""RQ over Redis: the queue, how a message's send job is enqueued, and the failed jobs staff see."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime

from redis import Redis
from rq import Callback, Queue, Retry
from rq.job import Job
from rq.registry import FailedJobRegistry

from .relay import send_job_id

QUEUE = "visitline"
SEND_JOB = "config.jobs_sms.send_message"
# Seconds before each retry of a failed send: the first at once (a blip, or a job whose worker
# died, requeued by the next maintenance pass without waiting on RQ's scheduler), then backing off.
# The second comes just after core.delivery's 30 s lease on an attempt has run out, so a text
# whose worker was killed mid-send goes about 35-40 s after the kill, not minutes later.
SEND_RETRY_INTERVALS = [0, 15, 120, 600, 1800]
REDIS_TIMEOUT_SECONDS = 5
# A send that has not finished in this time is stopped (and retried); a worker killed mid-send
# is noticed this long (plus the worker's heartbeat margin) after the send began.
SEND_TIMEOUT_SECONDS = 20


def redis_connection(url: str) -> Redis:
    # Without timeouts a dead Redis could hang a web request past Twilio's 15 seconds.
    return Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                          socket_timeout=REDIS_TIMEOUT_SECONDS)


def job_queue(connection: Redis) -> Queue:
    return Queue(QUEUE, connection=connection)


def send_retry() -> Retry:
    return Retry(max=len(SEND_RETRY_INTERVALS), interval=SEND_RETRY_INTERVALS)


class RqDispatch:
    """The relay's hand-off: one send job per message, id `send-<message id>`."""

    def __init__(self, queue: Queue):
        self._queue = queue

    def dispatch(self, message_ids: list[int]) -> None:
        sms_jobs = _sms_jobs()
        if hasattr(sms_jobs, "enqueue_send"):
            for message_id in message_ids:
                sms_jobs.enqueue_send(self._queue, message_id)
            return
        fresh = [mid for mid, there in zip(message_ids, self._exist(message_ids)) if not there]
        with self._queue.connection.pipeline() as pipe:
            self._queue.enqueue_many([Queue.prepare_data(
                SEND_JOB, args=(mid,), job_id=send_job_id(mid), retry=send_retry(),
                timeout=SEND_TIMEOUT_SECONDS,
                description=f"send message {mid}",
                on_failure=Callback("config.jobs.send_failed")) for mid in fresh], pipeline=pipe)
            pipe.execute()

    def lost(self, message_ids: list[int]) -> list[int]:
        return [mid for mid, there in zip(message_ids, self._exist(message_ids)) if not there]

    def _exist(self, message_ids: list[int]) -> list[bool]:
        with self._queue.connection.pipeline(transaction=False) as pipe:
            for mid in message_ids:
                pipe.exists(Job.key_for(send_job_id(mid)))
            return [bool(n) for n in pipe.execute()]


def _sms_jobs():
    return importlib.import_module("config.jobs_sms")


@dataclass(frozen=True)
class FailedJob:
    id: str
    description: str
    reason: str
    ended_at: datetime | None


def failed_jobs(connection: Redis, limit: int = 100) -> list[FailedJob]:
    """Jobs that gave up after their retries, with the last line of why (for the admin page)."""
    queue = job_queue(connection)
    registry = FailedJobRegistry(queue=queue)
    found = []
    for job_id in registry.get_job_ids(0, limit - 1):
        job = Job.fetch(job_id, connection=connection) if Job.exists(job_id, connection) else None
        if job is not None:
            reason = (job.latest_result().exc_string if job.latest_result() else "") or ""
            found.append(FailedJob(job.id, job.description or job.func_name,
                                   reason.strip().splitlines()[-1] if reason.strip() else "",
                                   job.ended_at))
    return found
