"""The send jobs, through the sender the settings choose (config.sms_wiring).

`send_batch(message_ids)` sends many texts (core.delivery_batch.deliver_batch): their provider calls
overlap on a small pool of threads, each with its own twilio client, kept from job to job so
their HTTP connections are reused. A text it cannot settle (a transient failure, an attempt whose
outcome is unknown) gets a job of its own, and if the batch itself fails or its worker dies,
`batch_failed` gives every text one.

`send_message(message_id)` sends one text (core.delivery.deliver_message), job id
`send-<message id>`, retried with backoff (config.queueing.send_retry) when the provider fails
transiently: core.delivery raises TransientSendError and RQ's Retry applies; when no retry is
left config.jobs.send_failed marks it failed. Run twice, either sends once (core.delivery guards
by the message's state and provider SID)."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from rq import Queue, get_current_job

from core.delivery import Sender, deliver_message
from core.delivery_batch import BatchDelivery, deliver_batch

from . import jobs
from .queueing import (SEND_RETRY_INTERVALS, enqueue_batch, enqueue_send, job_queue,
                       redis_connection)
from .sms_wiring import make_sender

__all__ = ["send_message", "send_batch", "batch_failed", "enqueue_send", "enqueue_batch",
           "deliver_many", "sender_for"]

log = logging.getLogger(__name__)
# Provider calls a worker makes at once. With Twilio ~100-300 ms away this is what lets a worker
# send tens of texts a second; against a local fake, more threads only contend for the GIL.
SEND_THREADS = 8

# One sender and one pool per container (the worker's, or the in-process runner's). Keyed by
# the container's id, holding the container so the id cannot be reused.
_senders: dict[int, tuple[object, Sender]] = {}
_pools: dict[int, tuple[object, ThreadPoolExecutor]] = {}


def sender_for(container) -> Sender:
    held = _senders.get(id(container))
    if held is None or held[0] is not container:
        held = _senders[id(container)] = (container, make_sender(container.settings))
    return held[1]


def _pool_for(container) -> ThreadPoolExecutor:
    held = _pools.get(id(container))
    if held is None or held[0] is not container:
        held = _pools[id(container)] = (container, ThreadPoolExecutor(
            SEND_THREADS, thread_name_prefix="visitline-send"))
    return held[1]


def send_message(message_id: int) -> None:
    container = jobs.current()
    with container.uow() as uow:
        delivery = deliver_message(uow, container.clock, sender_for(container), int(message_id),
                                   daily_cap=container.settings.sms_daily_cap_per_number)
    log.info("text %s: %s %s", message_id, delivery.outcome, delivery.detail)


def deliver_many(container, message_ids: list[int]) -> BatchDelivery:
    """Send these texts at once with the container's sender and pool (also the in-process
    runner's way)."""
    with container.uow() as uow:
        return deliver_batch(uow, container.clock, sender_for(container), message_ids,
                             daily_cap=container.settings.sms_daily_cap_per_number,
                             executor=_pool_for(container))


def send_batch(message_ids: list[int]) -> dict[str, int]:
    container = jobs.current()
    ids = sorted(int(mid) for mid in message_ids)
    done = deliver_many(container, ids)
    retry = done.retry
    if retry:
        queue = _queue(container)
        for mid in retry:
            # The batch was the first attempt: the rest of the schedule, starting at once.
            enqueue_send(queue, mid, retries=len(SEND_RETRY_INTERVALS) - 1)
        for mid in retry:
            log.warning("text %s: %s; sending it on its own", mid, done.outcomes[mid].detail)
    counts = done.counts()
    log.info("texts %s-%s: %s", ids[0], ids[-1],
             ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())))
    return counts


def batch_failed(job, connection, exc_type, exc_value, traceback) -> None:
    """on_failure of a batch job (it has no retries: this is its end). Every text of it gets its
    own send job, which finds out what became of it: one the batch sent is left alone, one it
    was sending when it stopped is looked for at the provider before any resend."""
    queue = Queue(job.origin, connection=connection)
    ids = [int(mid) for mid in job.args[0]]
    for mid in ids:
        enqueue_send(queue, mid, retries=len(SEND_RETRY_INTERVALS) - 1)
    reason = f"{exc_type.__name__}: {exc_value}" if exc_type else str(exc_value)
    log.error("batch %s failed (%s): its %d texts go on their own", job.id, reason, len(ids))


def _queue(container) -> Queue:
    job = get_current_job()
    if job is not None:
        return Queue(job.origin, connection=job.connection)
    return job_queue(redis_connection(container.settings.redis_url))
