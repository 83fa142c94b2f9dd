"""RQ over Redis: the queue, how texts' send jobs are enqueued, and the failed jobs staff see.

Texts go in batch jobs (`send-batch-...`, config.jobs_sms.send_batch), many at a time; a text a
batch could not settle, and a lone text, gets a job of its own, `send-<message id>`, retried with
backoff. Each text handed to a batch is marked in Redis with its batch's job id, so a text whose
job has vanished (a Redis flush, a batch that failed) can be told from one still on its way.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redis import Redis
from rq import Callback, Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from .relay import batch_job_id, in_batches, send_job_id

QUEUE = "visitline"
SEND_JOB = "config.jobs_sms.send_message"
SEND_BATCH_JOB = "config.jobs_sms.send_batch"
# Seconds before each retry of a failed send: the first at once (a blip, or a job whose worker
# died, requeued by the next maintenance pass without waiting on RQ's scheduler), then backing off.
# The second comes just after core.delivery's 30 s lease on an attempt has run out, so a text
# whose worker was killed mid-send goes about 35-40 s after the kill, not minutes later.
# A text a batch could not send has had its first attempt there: its own job starts at once and
# keeps the rest of this schedule.
SEND_RETRY_INTERVALS = [0, 15, 120, 600, 1800]
REDIS_TIMEOUT_SECONDS = 5
# A send that has not finished in this time is stopped (and retried); a worker killed mid-send
# is noticed this long (plus the worker's heartbeat margin) after the send began.
SEND_TIMEOUT_SECONDS = 20
# A batch calls the provider only in the first 5 s after its claim (core.delivery), each call
# taking at most 20 s: it is done well within this.
BATCH_TIMEOUT_SECONDS = 40
# How long a text's mark names its batch job: longer than a batch can wait in the queue; if it
# runs out first the text is handed on again, which sends nothing twice.
BATCH_MARK_SECONDS = 86400
_FINISHED = {"finished", "failed", "stopped", "canceled"}


def redis_connection(url: str) -> Redis:
    # Without timeouts a dead Redis could hang a web request past Twilio's 15 seconds.
    return Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                          socket_timeout=REDIS_TIMEOUT_SECONDS)


def job_queue(connection: Redis) -> Queue:
    return Queue(QUEUE, connection=connection)


def send_retry(retries: int = len(SEND_RETRY_INTERVALS)) -> Retry | None:
    """The last `retries` steps of the schedule (none: the first failure is final)."""
    if retries <= 0:
        return None
    return Retry(max=retries, interval=SEND_RETRY_INTERVALS[len(SEND_RETRY_INTERVALS) - retries:])


def batch_mark_key(message_id: int) -> str:
    return f"visitline:send-batch-of:{message_id}"


def enqueue_send(queue: Queue, message_id: int, *,
                 retries: int = len(SEND_RETRY_INTERVALS)) -> Job | None:
    """A text's own send job, `send-<id>`: None if one is already on its way. One that ended
    (finished or failed) while the text still waits is replaced."""
    return _enqueue_unique(
        queue, SEND_JOB, (message_id,), send_job_id(message_id), retry=send_retry(retries),
        timeout=SEND_TIMEOUT_SECONDS, description=f"send message {message_id}",
        on_failure=Callback("config.jobs.send_failed"))


def enqueue_batch(queue: Queue, message_ids: list[int]) -> Job | None:
    """One send job for these texts. Not retried as a whole: when it fails (or its worker dies)
    config.jobs_sms.batch_failed gives each text its own send job, which retries with backoff."""
    ids = sorted(message_ids)
    job_id = batch_job_id(ids)
    with queue.connection.pipeline(transaction=False) as pipe:
        for mid in ids:
            pipe.set(batch_mark_key(mid), job_id, ex=BATCH_MARK_SECONDS)
        pipe.execute()
    return _enqueue_unique(
        queue, SEND_BATCH_JOB, (ids,), job_id, timeout=BATCH_TIMEOUT_SECONDS,
        description=f"send {len(ids)} texts, messages {ids[0]}-{ids[-1]}",
        on_failure=Callback("config.jobs_sms.batch_failed"))


def _enqueue_unique(queue: Queue, func: str, args: tuple, job_id: str, **options) -> Job | None:
    for _ in range(2):
        try:
            return queue.enqueue_call(func, args=args, job_id=job_id, unique=True, **options)
        except DuplicateJobError:
            try:
                there = Job.fetch(job_id, connection=queue.connection)
            except NoSuchJobError:
                continue                # gone meanwhile: enqueue it now
            status = there.get_status(refresh=False)
            if getattr(status, "value", status) not in _FINISHED:
                return None
            there.delete()              # ended, yet its texts wait: run it again
    return None


class RqDispatch:
    """The relay's hand-off: batches of up to SEND_BATCH texts, a lone text on its own."""

    def __init__(self, queue: Queue):
        self._queue = queue

    def dispatch(self, message_ids: list[int]) -> None:
        for batch in in_batches(list(message_ids)):
            if len(batch) == 1:
                enqueue_send(self._queue, batch[0])
            else:
                enqueue_batch(self._queue, batch)

    def lost(self, message_ids: list[int]) -> list[int]:
        """Texts with neither a send job of their own nor a batch job still to run."""
        connection = self._queue.connection
        with connection.pipeline(transaction=False) as pipe:
            for mid in message_ids:
                pipe.exists(Job.key_for(send_job_id(mid)))
                pipe.get(batch_mark_key(mid))
            found = pipe.execute()
        own = [bool(n) for n in found[0::2]]
        batch = [mark.decode() if mark else None for mark in found[1::2]]
        batches = sorted({b for b, mine in zip(batch, own) if b and not mine})
        with connection.pipeline(transaction=False) as pipe:
            for job_id in batches:
                pipe.hget(Job.key_for(job_id), "status")
            statuses = pipe.execute() if batches else []
        waiting = {job_id for job_id, status in zip(batches, statuses)
                   if status is not None and status.decode() not in _FINISHED}
        return [mid for mid, mine, b in zip(message_ids, own, batch)
                if not mine and b not in waiting]


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
