"""/metrics after a walked call: the series an operator's dashboards and alerts read."""
from __future__ import annotations

import dataclasses

import pytest
from prometheus_client.parser import text_string_to_metric_families

from .conftest import identify

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, metrics_token=TOKEN)


def _scrape(client) -> dict[str, list]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    return {family.name: family.samples
            for family in text_string_to_metric_families(response.get_data(as_text=True))}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": TOKEN}])
def test_metrics_are_not_served_without_the_token(client, headers):
    assert client.get("/metrics", headers=headers).status_code == 404


def test_a_walked_call_shows_in_the_webhook_series_beside_the_lines_state(client, call):
    identify(call)
    families = _scrape(client)
    requests = {(s.labels["step"], s.labels["status"]): s.value
                for s in families["visitline_webhook_requests"] if s.name.endswith("_total")}
    assert requests[("ivr.voice", "200")] >= 1
    assert any(step.startswith("ivr.") and step != "ivr.voice" for step, _ in requests)
    latency_counts = [s for s in families["visitline_webhook_seconds"]
                      if s.name.endswith("_count") and s.labels["step"] == "ivr.voice"]
    assert latency_counts and latency_counts[0].value >= 1
    for name in ("visitline_texts", "visitline_outbox_oldest_waiting_seconds",
                 "visitline_phone_lockouts", "visitline_escalations_waiting",
                 "visitline_bookings_last_day"):
        assert name in families, name
    assert families["visitline_phone_lockouts"][0].value == 0
