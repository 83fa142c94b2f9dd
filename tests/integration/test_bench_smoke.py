"""The national benchmark's code, run in small mode against the test PostgreSQL: it builds its
data set, times availability and booking, reports latencies for both, and reuses what it built
(issue #2)."""
from __future__ import annotations

import json
import os

import pytest

from bench.national.dataset import drop
from bench.national.run import Options, run
from bench.national.scale import SMALL


@pytest.fixture
def bench_database(postgres_url):
    name = f"visitline_bench_smoke_{os.getpid()}"
    yield name
    drop(postgres_url, f"{name}_run")
    drop(postgres_url, name)


def test_small_benchmark_reports_latencies_and_reuses_its_data_set(postgres_url, bench_database,
                                                                     tmp_path):
    said = []
    result = run(Options(scale=SMALL, admin_url=postgres_url, base=bench_database, rebuild=True,
                         availability_calls=40, booking_calls=10, out_dir=tmp_path),
                 say=said.append)

    availability, booking = result["operations"]["availability"], result["operations"]["book_visit"]
    assert availability["count"] == 40 and availability["outcomes"].get("offered", 0) > 20
    assert booking["count"] == 10 and booking["outcomes"].get("booked", 0) > 5
    for figures in (availability, booking):
        assert 0 < figures["p50_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert result["data_set"]["counts"]["booking"] >= SMALL.past_bookings
    written = json.loads((tmp_path / "core_national_small.json").read_text())
    assert written["operations"]["book_visit"]["count"] == 10
    assert any("p99 ms" in line for line in said)

    again = run(Options(scale=SMALL, admin_url=postgres_url, base=bench_database,
                        availability_calls=5, booking_calls=2), say=lambda _: None)

    assert again["data_set"]["reused"] is True
    assert again["operations"]["book_visit"]["count"] == 2
