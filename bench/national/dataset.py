"""The data set's databases: a base built once (migrations, then COPY) and marked with what it
holds, and for each run a fresh copy of it, so a run's bookings never change the next run's data.
"""
from __future__ import annotations

import hashlib
import json
import time

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config.migrate import MIGRATIONS, upgrade

from .copying import copy_rows, copy_two, defer_constraints, reset_sequences
from .estate import (CLOSURE_COLUMNS, PRISON_COLUMNS, SLOT_COLUMNS, TEMPLATE_COLUMNS, Estate)
from .people import (APPROVED_COLUMNS, NON_ASSOCIATION_COLUMNS, PRISONER_COLUMNS,
                     VISITOR_COLUMNS, People)
from .scale import GENERATOR_VERSION, Scale
from .visits import BOOKING_COLUMNS, HOLD_COLUMNS, PARTY_COLUMNS, Visits

LOADED = ["prison", "session_template", "closure", "visit_slot", "prisoner", "visitor",
          "approved_visitor", "non_association", "booking", "booking_visitor", "hold"]
TAKEN = """
UPDATE visit_slot s SET open_taken = t.tables FROM (
    SELECT slot_id, sum(tables) AS tables FROM (
        SELECT slot_id, tables FROM booking
        WHERE status NOT IN ('cancelled', 'rejected', 'withdrawn') AND NOT closed
        UNION ALL SELECT slot_id, tables FROM hold WHERE status = 'held' AND NOT closed) taken
    GROUP BY slot_id) t
WHERE s.id = t.slot_id"""


def database_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def schema_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def wanted(scale: Scale) -> dict:
    return {"scale": scale.name, "seed": scale.seed, "generator": GENERATOR_VERSION,
            "schema": schema_fingerprint()}


def run_sql(admin_url: str, *statements: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    admin.dispose()


def drop(admin_url: str, name: str) -> None:
    run_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read_marker(admin_url: str, name: str) -> dict | None:
    try:
        with psycopg.connect(libpq(database_url(admin_url, name))) as conn:
            row = conn.execute("SELECT details FROM bench_marker").fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def ensure_base(admin_url: str, name: str, scale: Scale, rebuild: bool, say=print) -> dict:
    """The marker of a base data set that matches `scale` (building it if need be)."""
    marker = None if rebuild else read_marker(admin_url, name)
    if marker and all(marker.get(k) == v for k, v in wanted(scale).items()):
        say(f"reusing data set {name} (built in {marker['build_seconds']} s; --rebuild to redo)")
        return marker | {"reused": True}
    say(f"building data set {name} ({scale.name}); "
        f"{'asked to rebuild' if rebuild else 'none matching found'}")
    return build(admin_url, name, scale, say) | {"reused": False}


def build(admin_url: str, name: str, scale: Scale, say=print) -> dict:
    started = time.perf_counter()
    drop(admin_url, name)
    run_sql(admin_url, f'CREATE DATABASE "{name}"')
    url = database_url(admin_url, name)
    upgrade(url)
    estate, people = Estate(scale), People(scale)
    visits = Visits(estate, people)
    with psycopg.connect(libpq(url)) as conn, psycopg.connect(libpq(url)) as side:
        for c in (conn, side):
            c.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        restore = defer_constraints(conn, LOADED)
        counts = _load(conn, side, estate, people, visits, say)
        say("putting back constraints and indexes, counting taken tables")
        conn.execute(TAKEN)
        for statement in restore:
            conn.execute(statement)
        reset_sequences(conn, LOADED)
        conn.commit()
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    marker = wanted(scale) | {"counts": counts,
                              "build_seconds": round(time.perf_counter() - started, 1)}
    with psycopg.connect(libpq(url)) as conn:
        conn.execute("CREATE TABLE bench_marker (details jsonb NOT NULL)")
        conn.execute("INSERT INTO bench_marker VALUES (%s::jsonb)", [json.dumps(marker)])
    say(f"built in {marker['build_seconds']} s: {counts}")
    return marker


def _load(conn, side, estate: Estate, people: People, visits: Visits, say) -> dict:
    counts = {}
    for table, columns, rows in (
            ("prison", PRISON_COLUMNS, estate.prison_rows()),
            ("session_template", TEMPLATE_COLUMNS, estate.template_rows()),
            ("closure", CLOSURE_COLUMNS, estate.closure_rows()),
            ("visit_slot", SLOT_COLUMNS, estate.slot_rows()),
            ("prisoner", PRISONER_COLUMNS, people.prisoner_rows()),
            ("visitor", VISITOR_COLUMNS, people.visitor_rows()),
            ("approved_visitor", APPROVED_COLUMNS, people.approved_rows()),
            ("non_association", NON_ASSOCIATION_COLUMNS, people.non_association_rows())):
        counts[table] = copy_rows(conn, table, columns, rows)
    conn.commit()
    say(f"loaded {counts}; now bookings")
    counts["booking"], counts["booking_visitor"] = copy_two(
        conn, side, (("booking", BOOKING_COLUMNS), ("booking_visitor", PARTY_COLUMNS)),
        visits.write)
    counts["hold"] = copy_rows(conn, "hold", HOLD_COLUMNS, visits.hold_rows())
    conn.commit()
    side.commit()
    return counts


def fresh_copy(admin_url: str, base: str, copy: str) -> str:
    """A copy of the base for one run; the base itself is never written to by a run."""
    drop(admin_url, copy)
    run_sql(admin_url, f'CREATE DATABASE "{copy}" TEMPLATE "{base}"')
    return database_url(admin_url, copy)
