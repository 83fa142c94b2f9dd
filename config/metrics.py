"""Prometheus metrics at `/metrics`, for the operator's dashboards and alerts (docs/operations.md).

Two kinds: what the web process sees as it serves (webhook requests and their latency, per step),
counted in each gunicorn worker and summed across them (prometheus-client's multiprocess mode,
when PROMETHEUS_MULTIPROC_DIR is set, as config.gunicorn_conf does); and the state of the line,
read from the database and Redis when scraped (texts by state, the oldest text waiting, the
queue, failed jobs, lockouts, escalations waiting, bookings made); and bookings made, ended and
refused by reason, counted from core.booking_log's records in the process where they happen. Reading state at scrape time
keeps one truth, the database, whichever process made the change.

Guarded: served only with `Authorization: Bearer <METRICS_TOKEN>`; without a token set, 404.
"""
from __future__ import annotations

import hmac
import logging
import os
import time
from datetime import timedelta

from flask import Flask, Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from core import booking_log
from core.models import Booking, Escalation, Visitor
from core.models.messages import PENDING, QUEUED, OutboundMessage

from .container import Container

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 15.0)


class WebMetrics:
    def __init__(self):
        self.requests = Counter("visitline_webhook_requests_total",
                                "Requests served, by step (Flask endpoint) and status",
                                ["step", "status"], registry=None)
        self.latency = Histogram("visitline_webhook_seconds", "Time to answer, by step",
                                 ["step"], buckets=LATENCY_BUCKETS, registry=None)


class BookingOutcomes(logging.Handler):
    """Counts what core.booking_log reports, in whichever process it happens: bookings made
    and ended by outcome, refusals by reason."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.outcomes = Counter("visitline_bookings_total", "Bookings made or ended, by outcome",
                                ["outcome"], registry=None)
        self.refusals = Counter("visitline_booking_refusals_total", "Bookings refused, by "
                                "reason", ["reason"], registry=None)

    def emit(self, record: logging.LogRecord) -> None:
        outcome = getattr(record, "booking_outcome", None)
        if outcome == booking_log.REFUSED:
            self.refusals.labels(record.refusal).inc()
        elif outcome:
            self.outcomes.labels(outcome).inc()


def booking_outcomes() -> BookingOutcomes:
    """The one counter of the process (however many apps it makes), listening from the start."""
    logger = logging.getLogger(booking_log.LOGGER)
    for handler in logger.handlers:
        if isinstance(handler, BookingOutcomes):
            return handler
    handler = BookingOutcomes()
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    return handler


class LineState:
    """Collector: the line's state, read when scraped."""

    def __init__(self, container: Container):
        self._container = container

    def collect(self):
        now = self._container.clock.now()
        with self._container.session() as session:
            yield _gauge("visitline_texts", "Texts by state", "state", session.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)))
            oldest = session.scalar(select(func.min(OutboundMessage.send_after)).where(
                OutboundMessage.status.in_((PENDING, QUEUED)), OutboundMessage.send_after <= now))
            age = GaugeMetricFamily("visitline_outbox_oldest_waiting_seconds",
                                    "How long the oldest text due to go has waited (0: none)")
            age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
            yield age
            yield _single("visitline_phone_lockouts", "Visitors whose phone self-service is "
                          "locked now", session.scalar(select(func.count(Visitor.id)).where(
                              Visitor.phone_locked_until > now)))
            yield _single("visitline_escalations_waiting", "Callbacks and queued calls not yet "
                          "settled", session.scalar(select(func.count(Escalation.id)).where(
                              Escalation.status == "open")))
            yield _gauge("visitline_bookings_last_day", "Bookings made in the last 24 hours, by "
                         "state now", "state", session.execute(
                             select(Booking.status, func.count()).where(
                                 Booking.created_at > now - timedelta(days=1))
                             .group_by(Booking.status)))
        if self._container.settings.redis_url:
            yield from self._queue()

    def _queue(self):
        from rq.registry import FailedJobRegistry
        from .queueing import job_queue, redis_connection
        try:
            queue = job_queue(redis_connection(self._container.settings.redis_url))
            depth, failed = len(queue), len(FailedJobRegistry(queue=queue))
        except Exception:  # noqa: BLE001 - Redis down shows in /readyz; the rest still scrapes
            return
        yield _single("visitline_queue_depth", "Jobs waiting in the queue", depth)
        yield _single("visitline_jobs_failed", "Jobs in the failed registry", failed)


def _single(name: str, documentation: str, value) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation)
    gauge.add_metric([], float(value or 0))
    return gauge


def _gauge(name: str, documentation: str, label: str, rows) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation, labels=[label])
    for key, count in rows:
        gauge.add_metric([key], float(count))
    return gauge


def register_metrics(app: Flask, container: Container) -> None:
    web = WebMetrics()
    bookings = booking_outcomes()
    token = container.settings.metrics_token

    @app.before_request
    def _start():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response):
        started = g.pop("metrics_started", None)
        if started is not None and request.endpoint not in (None, "metrics", "static"):
            step = request.endpoint
            web.requests.labels(step, str(response.status_code)).inc()
            web.latency.labels(step).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics():
        given = request.headers.get("Authorization", "")
        if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return Response("not found\n", status=404, mimetype="text/plain")
        registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            multiprocess.MultiProcessCollector(registry)
        else:
            for counted in (web.requests, web.latency, bookings.outcomes, bookings.refusals):
                registry.register(counted)
        registry.register(LineState(container))
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
