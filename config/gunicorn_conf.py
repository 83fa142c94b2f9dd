"""gunicorn's settings for the web process (Procfile: `gunicorn -c python:config.gunicorn_conf`):
its own log lines and its access log go through the line's logging (config.logs), so they are
JSON lines of the same shape, masked, with the request id."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile

from gunicorn.glogging import Logger

from .logs import configure_for


class LineLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        configure_for(os.environ.get("VISITLINE_ENV", "production"),
                      log_format=os.environ.get("LOG_FORMAT", ""))
        for name in ("gunicorn.error", "gunicorn.access"):
            logger = logging.getLogger(name)
            logger.handlers.clear()
            logger.propagate = True

    def access(self, resp, req, environ, request_time) -> None:
        headers = dict((name.lower(), value) for name, value in resp.headers)
        self.access_log.info("request", extra={
            "method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"),
            "status": resp.status_code, "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id", ""),
            "remote_addr": environ.get("REMOTE_ADDR")})


logger_class = LineLogger
accesslog = "-"

# Each worker counts its own requests in files here; /metrics sums them (config.metrics). Set
# before any worker imports prometheus_client, and emptied at each start.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR",
                      os.path.join(tempfile.gettempdir(), f"visitline-metrics-{os.getpid()}"))


def on_starting(server) -> None:
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)
