"""gunicorn's settings for the web process (Procfile: `gunicorn -c python:config.gunicorn_conf`):
its own log lines and its access log go through the line's logging (config.logs), so they are
JSON lines of the same shape, masked, with the request id."""
from __future__ import annotations

import logging
import os

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
