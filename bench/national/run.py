"""One benchmark run: the data set (reused or built), a fresh copy of it, then availability and
booking timed call by call; a small table printed and the figures written as JSON."""
from __future__ import annotations

import cProfile
import json
import os
import platform
import pstats
import random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from config.db import make_engine, make_session_factory

from .callers import sample_callers
from .dataset import LOADED, drop, ensure_base, fresh_copy, run_sql
from .measure import SOONEST_LIMIT, time_availability, time_booking
from .scale import NOW, Scale, bench_clock

AVAILABILITY_GOAL_P99_MS = 10.0
WARM_UP_MAX = 200  # untimed calls first, so the copy's pages are read in before timing


@dataclass(frozen=True)
class Options:
    scale: Scale
    admin_url: str
    base: str                       # the built data set's database, reused between runs
    rebuild: bool = False
    availability_calls: int | None = None
    booking_calls: int | None = None
    out_dir: Path | None = None
    profile: bool = False
    keep_copy: bool = False


def run(options: Options, say=print) -> dict:
    scale = options.scale
    marker = ensure_base(options.admin_url, options.base, scale, options.rebuild, say)
    copy = f"{options.base}_run"
    started = time.perf_counter()
    url = fresh_copy(options.admin_url, options.base, copy)
    settle(options.admin_url)
    copy_seconds = round(time.perf_counter() - started, 1)
    say(f"fresh copy {copy} made in {copy_seconds} s; timing")
    engine = make_engine(url)
    load_before = os.getloadavg()[0]
    try:
        operations = _measure(options, make_session_factory(engine), say)
        server = _server_version(engine)
    finally:
        engine.dispose()
        if not options.keep_copy:
            drop(options.admin_url, copy)
    result = {"benchmark": "core_national", "scale": scale.name, "now": NOW.isoformat(),
              "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "data_set": marker, "copy_seconds": copy_seconds, "operations": operations,
              "goal": _goal(operations),
              "load_average_1m": {"before": round(load_before, 2),
                                  "after": round(os.getloadavg()[0], 2)},
              "cpus": os.cpu_count(), "python": platform.python_version(),
              "postgresql": server}
    say(table(result))
    if options.out_dir is not None:
        say(f"written {_write(options.out_dir, result)}")
    return result


def _goal(operations: dict) -> dict:
    p99 = operations["availability"].get("p99_ms")
    return {"availability_p99_ms": AVAILABILITY_GOAL_P99_MS,
            "met": p99 is not None and p99 < AVAILABILITY_GOAL_P99_MS}


def _write(out_dir: Path, result: dict) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"core_national_{result['scale']}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path


def _measure(options: Options, session_factory, say) -> dict:
    scale, clock = options.scale, bench_clock()
    availability_calls = options.availability_calls or scale.availability_calls
    booking_calls = options.booking_calls or scale.booking_calls
    with session_factory() as session:
        warm_up = sample_callers(session, random.Random(f"{scale.seed}-warm-up"),
                                 max(10, min(WARM_UP_MAX, availability_calls // 4)))
        askers = sample_callers(session, random.Random(f"{scale.seed}-availability"),
                                availability_calls)
        bookers = sample_callers(session, random.Random(f"{scale.seed}-booking"),
                                 booking_calls * 3)
    time_availability(session_factory, clock, warm_up)
    profiler = cProfile.Profile() if options.profile else None
    if profiler:
        profiler.enable()
    availability = time_availability(session_factory, clock, askers)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    soonest = time_availability(session_factory, clock, askers, limit=SOONEST_LIMIT)
    say(f"availability: {len(availability.ms)} callers timed twice; now booking")
    booking = time_booking(session_factory, clock, bookers,
                           random.Random(f"{scale.seed}-choice"), booking_calls)
    return {"availability": availability.summary(),
            f"availability_first_{SOONEST_LIMIT}": soonest.summary(),
            "book_visit": booking.summary()}


def settle(admin_url: str) -> None:
    """Write the copy's pages out now, not in a checkpoint in the middle of the timing."""
    try:
        run_sql(admin_url, "CHECKPOINT")
    except DBAPIError:
        pass  # not a superuser: the timing may catch a checkpoint


def _server_version(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SHOW server_version")).scalar_one()


def table(result: dict) -> str:
    marker = result["data_set"]
    load = result["load_average_1m"]
    lines = [f"core_national ({result['scale']}): data set "
             f"{'reused' if marker.get('reused') else 'built'}, build {marker['build_seconds']} s, "
             f"copy {result['copy_seconds']} s; load average {load['before']} -> {load['after']} "
             f"on {result['cpus']} CPUs",
             "  " + ", ".join(f"{table} {marker['counts'][table]:,}" for table in LOADED),
             f"{'operation':<22}{'calls':>7}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"]
    for name, figures in result["operations"].items():
        if not figures["count"]:
            lines.append(f"{name:<22}{0:>7}")
            continue
        lines.append(f"{name:<22}{figures['count']:>7}{figures['p50_ms']:>9.2f}"
                     f"{figures['p90_ms']:>9.2f}{figures['p99_ms']:>9.2f}{figures['max_ms']:>9.2f}")
    for name, figures in result["operations"].items():
        lines.append(f"  {name} outcomes: {figures['outcomes']}")
    goal = result["goal"]
    lines.append(f"goal availability p99 < {goal['availability_p99_ms']} ms: "
                 f"{'met' if goal['met'] else 'MISSED'}")
    return "\n".join(lines)

