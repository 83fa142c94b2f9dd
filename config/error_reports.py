"""Unhandled exceptions in web and worker, reported to Sentry when SENTRY_DSN is set.

Nothing personal leaves the line: no request body, cookies, headers' values, local variables
or user; every string left in an event (exception messages, log breadcrumbs, URLs) is redacted as the
logs are: SQL statements' values dropped, phone numbers masked. Names cannot be told from other words, so the events keep no
free text the line did not write itself: form fields and query strings are dropped whole."""
from __future__ import annotations

from typing import Any

from .logs import redact

KEPT_HEADERS = {"User-Agent", "X-Request-Id", "Content-Type"}


def init_error_reporting(dsn: str, *, environment: str, component: str) -> bool:
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.rq import RqIntegration
    sentry_sdk.init(dsn=dsn, environment=environment, server_name=component,
                    send_default_pii=False, include_local_variables=False,
                    max_request_body_size="never", traces_sample_rate=0.0,
                    integrations=[FlaskIntegration(), RqIntegration()],
                    before_send=scrub_event, before_breadcrumb=scrub_breadcrumb)
    return True


def scrub_event(event: dict, _hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        request.pop("query_string", None)
        request.pop("env", None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k in KEPT_HEADERS}
    event.pop("user", None)
    return _masked(event)


def scrub_breadcrumb(crumb: dict, _hint: dict | None = None) -> dict:
    crumb.pop("data", None)
    return _masked(crumb)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value
