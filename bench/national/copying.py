"""Loading rows fast: COPY, with the loaded tables' foreign keys, unique constraints and
secondary indexes taken off during the load and put back, exactly as they were, after it."""
from __future__ import annotations

from typing import Callable, Iterable

import psycopg


def defer_constraints(conn: psycopg.Connection, tables: list[str]) -> list[str]:
    """Drop them, commit, and return the statements that put them back (foreign keys last)."""
    found = conn.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') "
        "ORDER BY contype DESC, conname", [tables]).fetchall()
    uniques = [f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {definition}'
               for t, name, kind, definition in found if kind == "u"]
    foreign = [f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {definition}'
               for t, name, kind, definition in found if kind == "f"]
    for table, name, _, _ in found:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    indexes = conn.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary ORDER BY 1",
        [tables]).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()
    return uniques + [definition for _, definition in indexes] + foreign


def copy_rows(conn: psycopg.Connection, table: str, columns: Iterable[str], rows) -> int:
    count = 0
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_two(first: psycopg.Connection, second: psycopg.Connection,
             tables: tuple[tuple[str, Iterable[str]], tuple[str, Iterable[str]]],
             produce: Callable[[Callable, Callable], None]) -> tuple[int, int]:
    """Two tables filled by one producer at once, one connection each: the producer makes a
    parent row and its children together and sends each where it belongs."""
    counts = [0, 0]
    (table_a, columns_a), (table_b, columns_b) = tables
    with first.cursor().copy(f"COPY {table_a} ({', '.join(columns_a)}) FROM STDIN") as a, \
            second.cursor().copy(f"COPY {table_b} ({', '.join(columns_b)}) FROM STDIN") as b:
        def to_a(row):
            a.write_row(row)
            counts[0] += 1

        def to_b(row):
            b.write_row(row)
            counts[1] += 1

        produce(to_a, to_b)
    return counts[0], counts[1]


def reset_sequences(conn: psycopg.Connection, tables: list[str]) -> None:
    for table in tables:
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                     f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)")
