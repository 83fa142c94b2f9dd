"""The booking core at national scale (issue #2): availability and booking latency.

    .venv/bin/python -m bench.core_national [--small] [--rebuild] [--availability N]
                                            [--bookings N] [--profile] [--keep-copy]

Builds (once; reused until --rebuild, a schema change or a generator change) a seeded data set
in its own PostgreSQL database, `visitline_bench_national` (`..._small` with --small): 120
prisons with 14-21 weekly session templates each, 90,000 prisoners, 250,000 visitors, about
three approved visitors a prisoner, 1,000,000 past bookings with their parties and past visit
slots, bookings for the next 28 days, non-associations. Each run works on a fresh copy of it.
Then times, at a fixed "now", core.availability.available_slots for random callers (the whole
window, then the phone line's first 9 offers) and core.booking.book_visit (hold, then confirm),
each call in its own unit of work, and prints p50/p90/p99 in milliseconds; the figures go to
bench/out/core_national_<scale>.json.
Goal: availability p99 < 10 ms.

The server is BENCH_DATABASE_URL (else TEST_DATABASE_URL, else
postgresql+psycopg://127.0.0.1:5432/test); the databases are made beside it.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from bench.national.run import Options, run
from bench.national.scale import NATIONAL, SMALL

OUT = Path(__file__).resolve().parent / "out"


def admin_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://127.0.0.1:5432/test")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.core_national",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="5 prisons, 1,000 prisoners")
    parser.add_argument("--rebuild", action="store_true", help="build the data set again")
    parser.add_argument("--availability", type=int, help="availability calls to time")
    parser.add_argument("--bookings", type=int, help="bookings to time")
    parser.add_argument("--profile", action="store_true", help="cProfile the availability calls")
    parser.add_argument("--keep-copy", action="store_true",
                        help="keep the run's copy of the data set (<name>_run) to look into")
    args = parser.parse_args(argv)
    scale = SMALL if args.small else NATIONAL
    base = "visitline_bench_national" + ("_small" if args.small else "")
    return run(Options(scale=scale, admin_url=admin_url(), base=base, rebuild=args.rebuild,
                       availability_calls=args.availability, booking_calls=args.bookings,
                       out_dir=OUT, profile=args.profile, keep_copy=args.keep_copy))


if __name__ == "__main__":
    main()
