"""An idle worker's wait for a job ends before the Redis socket timeout: otherwise RQ takes the
timeout for a lost connection and sleeps (up to a minute) while new texts wait to be sent."""
from __future__ import annotations

import pytest
from redis import Redis

from config.queueing import REDIS_TIMEOUT_SECONDS
from config.worker import make_worker


@pytest.mark.parametrize("fork", [False, True])
@pytest.mark.parametrize("maintenance_interval", [1, 60, 600])
def test_an_idle_worker_waits_for_jobs_less_long_than_the_redis_socket_timeout(
        fork, maintenance_interval):
    worker = make_worker(Redis(), fork=fork, maintenance_interval=maintenance_interval)
    assert 1 <= worker.dequeue_timeout < REDIS_TIMEOUT_SECONDS
    assert worker.dequeue_timeout <= maintenance_interval
