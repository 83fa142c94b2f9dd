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


def _counted(families, family: str, label: str) -> dict[str, float]:
    return {s.labels[label]: s.value for s in families.get(family, [])
            if s.name.endswith("_total")}


def test_bookings_made_and_refused_are_counted_by_outcome_and_reason(
        client, session, uow_factory, clock, world):
    from datetime import date

    from core.errors import Refused

    from .conftest import book, fill, slot_on
    before = _scrape(client)
    book(uow_factory, clock, slot_on(session, clock, world.prison, date(2026, 12, 10)),
         world.prisoner, [world.lead])
    full = slot_on(session, clock, world.prison, date(2026, 12, 11))
    fill(session, full)
    with pytest.raises(Refused):
        book(uow_factory, clock, full, world.prisoner, [world.lead])
    after = _scrape(client)

    def grew(family, label, key):
        return (_counted(after, family, label).get(key, 0)
                - _counted(before, family, label).get(key, 0))
    assert grew("visitline_bookings", "outcome", "booked") == 1
    assert grew("visitline_booking_refusals", "reason", "slot_full") == 1


def test_a_booking_is_logged_with_its_reference_and_nothing_about_the_people(
        session, uow_factory, clock, world, caplog):
    from datetime import date

    from .conftest import book, slot_on
    with caplog.at_level("INFO", logger="visitline.bookings"):
        _, reference = book(uow_factory, clock, slot_on(session, clock, world.prison,
                                                        date(2026, 12, 10)),
                            world.prisoner, [world.lead])
    [line] = [r for r in caplog.records if r.name == "visitline.bookings"]
    assert (line.booking_reference, line.getMessage()) == (reference, "booking booked")
