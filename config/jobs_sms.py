"""The send job: `send_message(message_id)` sends one outbox text through the sender the
settings choose (config.sms_wiring). The relay enqueues it with `enqueue_send`, job id
`send-<message id>`, retried with backoff (config.queueing.send_retry) when the provider fails
transiently: core.delivery raises TransientSendError and RQ's Retry applies. Run twice, it sends
once (core.delivery guards by the message's state and provider SID)."""
from __future__ import annotations

import logging

from rq import Callback, Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job

from core.delivery import Sender, deliver_message

from . import jobs
from .queueing import SEND_JOB, SEND_TIMEOUT_SECONDS, send_retry
from .relay import send_job_id
from .sms_wiring import make_sender

log = logging.getLogger(__name__)

# One sender per container (the worker's, or the in-process runner's): its HTTP connections
# are reused from text to text. Keyed by the container's id, holding the container so the id
# cannot be reused.
_senders: dict[int, tuple[object, Sender]] = {}


def sender_for(container) -> Sender:
    held = _senders.get(id(container))
    if held is None or held[0] is not container:
        held = _senders[id(container)] = (container, make_sender(container.settings))
    return held[1]


def send_message(message_id: int) -> None:
    container = jobs.current()
    with container.uow() as uow:
        delivery = deliver_message(uow, container.clock, sender_for(container), int(message_id),
                                   daily_cap=container.settings.sms_daily_cap_per_number)
    log.info("text %s: %s %s", message_id, delivery.outcome, delivery.detail)


def enqueue_send(queue: Queue, message_id: int) -> Job | None:
    """One send job per message: None if its job is already there."""
    try:
        return queue.enqueue_call(
            SEND_JOB, args=(message_id,), job_id=send_job_id(message_id), unique=True,
            retry=send_retry(), timeout=SEND_TIMEOUT_SECONDS,
            description=f"send message {message_id}",
            on_failure=Callback("config.jobs.send_failed"))
    except DuplicateJobError:
        return None
