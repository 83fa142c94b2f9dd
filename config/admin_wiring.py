"""The staff pages, wired: cookie security by environment, and (with Redis) the port through
which the admin page lists and retries failed RQ jobs."""
from __future__ import annotations

from admin import FailedJobs, init_admin

IDLE_MINUTES = 30


def register_admin(app, container) -> None:
    settings = container.settings
    init_admin(app, secure_cookies=settings.environment not in ("development", "test"),
               idle_minutes=IDLE_MINUTES, failed_jobs=_failed_jobs(settings.redis_url))


def _failed_jobs(redis_url: str | None) -> FailedJobs | None:
    if not redis_url:
        return None
    from .queueing import failed_jobs, job_queue, redis_connection

    def listing():
        return failed_jobs(redis_connection(redis_url))

    def retry(job_id: str) -> bool:
        from rq.exceptions import InvalidJobOperationError, NoSuchJobError
        from rq.registry import FailedJobRegistry
        registry = FailedJobRegistry(queue=job_queue(redis_connection(redis_url)))
        if job_id not in registry.get_job_ids():
            return False
        try:
            registry.requeue(job_id)
        except (InvalidJobOperationError, NoSuchJobError):
            return False
        return True

    return FailedJobs(listing, retry)
