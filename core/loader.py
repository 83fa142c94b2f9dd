"""Loading prisons, sessions, closures, prisoners and visitors from a JSON file
(format: docs/loading.md).

Everything is checked before anything is written, and every bad row is reported with its place
in the file and the reason; a file with any problem changes nothing. Rows are matched on their
natural keys, so loading the same file twice has the effect of loading it once. Every change is
in the audit log as the system's loader. Nothing is ever deleted.
"""
from __future__ import annotations

import json
from pathlib import Path

from .clock import Clock, local_today
from .loading_apply import LOADER_ACTOR, Applier, LoadReport
from .loading_fields import Problems
from .loading_refs import check_references
from .loading_schema import read_sections
from .movements import prisoner_transferred
from .ports import PinHasher
from .uow import UnitOfWork

__all__ = ["LoadRejected", "LoadReport", "load_data", "load_file"]


class LoadRejected(Exception):
    """The file was not loaded: every problem found, each with its place in the file."""

    def __init__(self, problems: list[str]):
        super().__init__(f"not loaded: {len(problems)} problem(s); first: {problems[0]}")
        self.problems = problems


def load_file(uow: UnitOfWork, clock: Clock, hasher: PinHasher, path: str | Path) -> LoadReport:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LoadRejected([f"{path}: cannot be read: {error}"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadRejected([f"{path}: not valid JSON: {error.msg} at line {error.lineno}, "
                            f"column {error.colno}"]) from None
    return load_data(uow, clock, hasher, data)


def load_data(uow: UnitOfWork, clock: Clock, hasher: PinHasher, data: dict) -> LoadReport:
    """Check everything, then write it all in one transaction (or raise LoadRejected)."""
    problems = Problems()
    sections = read_sections(data, problems, local_today(clock))
    if not problems:
        # References are checked once every row reads cleanly: a row that does not read
        # would otherwise also show up as "not found" wherever it is named.
        check_references(uow.session, sections, problems)
    if problems:
        raise LoadRejected(problems.items)
    report = LoadReport()
    transfers = Applier(uow.session, clock, hasher, report).apply(sections)
    uow.commit()
    # A move to another prison goes through the core's own transfer, which tells the visitors
    # and staff about visits already booked; each commits on its own.
    for prisoner, prison_id in transfers:
        prisoner_transferred(uow, clock, prisoner_id=prisoner.id, to_prison_id=prison_id,
                             actor=LOADER_ACTOR)
        report.transferred.append(prisoner.number)
    return report
