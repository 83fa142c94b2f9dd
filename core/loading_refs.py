"""Checks across rows: nothing given twice, and everything a row refers to (a prison, a prisoner,
a visitor, a session) is in the file or already in the database. Reads only."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .loading_fields import WEEKDAYS, Problems, quoted
from .models import Prison, Prisoner, SessionTemplate, Visitor

Rows = list[tuple[str, dict]]


def template_key(row: dict) -> tuple:
    return (row["prison"], row["weekday"], row["start"], row["kind"])


def visitor_keys(row: dict) -> list[tuple]:
    """The keys a link may use for this visitor row."""
    keys = [("ref", row["ref"])] if row.get("ref") else []
    if row.get("phone"):
        keys.append(("phone", row["phone"], row["date_of_birth"]))
    return keys


def check_references(session: Session, sections: dict[str, Rows], problems: Problems) -> None:
    prisons = _unique(sections["prisons"], lambda r: r["code"], "code", problems)
    _unique(sections["session_templates"], template_key, "session", problems)
    _unique(sections["closures"], _closure_key, "closure", problems)
    prisoners = _unique(sections["prisoners"], lambda r: r["number"], "number", problems)
    _unique_visitors(session, sections["visitors"], problems)
    _unique(sections["approved_visitors"], lambda r: (r["prisoner"], r["visitor"]),
            "link", problems)
    _unique(sections["non_associations"], lambda r: r["prisoners"], "pair", problems)

    known_prisons = set(prisons) | _existing(session, Prison.code,
                                              _all(sections, "prison", "session_templates",
                                                   "closures", "prisoners"))
    for name in ("session_templates", "closures", "prisoners"):
        for place, row in sections[name]:
            if row["prison"] not in known_prisons:
                problems.add(f"{place}.prison", f"no prison with code {quoted(row['prison'])} "
                                                "in this file or already loaded")
    file_templates = {template_key(row) for _, row in sections["session_templates"]}
    for place, row in sections["closures"]:
        _check_session(session, place, row, file_templates, problems)

    wanted = {r["prisoner"] for _, r in sections["approved_visitors"]}
    wanted |= {n for _, r in sections["non_associations"] for n in r["prisoners"]}
    known_prisoners = set(prisoners) | _existing(session, Prisoner.number, wanted)
    for place, row in sections["approved_visitors"]:
        if row["prisoner"] not in known_prisoners:
            problems.add(f"{place}.prisoner", _no_prisoner(row["prisoner"]))
    for place, row in sections["non_associations"]:
        for number in row["prisoners"]:
            if number not in known_prisoners:
                problems.add(f"{place}.prisoners", _no_prisoner(number))

    file_visitors = {key for _, row in sections["visitors"] for key in visitor_keys(row)}
    for place, row in sections["approved_visitors"]:
        key = row["visitor"]
        if key not in file_visitors and not find_visitors(session, key):
            problems.add(f"{place}.visitor", f"no visitor {_describe(key)} in this file or "
                                             "already loaded")


def find_visitors(session: Session, key: tuple) -> list[Visitor]:
    """Visitors already loaded that a key means (more than one: the key is ambiguous)."""
    if key[0] == "ref":
        query = select(Visitor).where(Visitor.external_ref == key[1])
    else:
        query = select(Visitor).where(Visitor.phone == key[1], Visitor.date_of_birth == key[2],
                                      Visitor.anonymised_at.is_(None))
    return list(session.scalars(query.order_by(Visitor.id)))


def _unique(rows: Rows, key, what: str, problems: Problems) -> dict:
    seen: dict = {}
    for place, row in rows:
        value = key(row)
        if value in seen:
            problems.add(place, f"the same {what} as {seen[value]}")
        else:
            seen[value] = place
    return seen


def _unique_visitors(session: Session, rows: Rows, problems: Problems) -> None:
    seen: dict = {}
    for place, row in rows:
        for key in visitor_keys(row):
            if key in seen:
                problems.add(place, f"the same visitor {_describe(key)} as {seen[key]} "
                                    "(give each a different ref)")
            seen.setdefault(key, place)
        if not row.get("ref") and len(find_visitors(session, visitor_keys(row)[0])) > 1:
            problems.add(place, "more than one visitor already loaded has this phone and date "
                                "of birth: give a ref")


def _closure_key(row: dict) -> tuple:
    session = row["session"]
    return (row["prison"], row["first_date"], row["last_date"],
            session and (session["weekday"], session["start"], session["kind"]))


def _check_session(session: Session, place: str, row: dict, file_templates: set,
                   problems: Problems) -> None:
    wanted = row["session"]
    if wanted is None:
        return
    key = (row["prison"], wanted["weekday"], wanted["start"], wanted["kind"])
    if key in file_templates or find_template(session, key) is not None:
        return
    problems.add(f"{place}.session", f"no {wanted['kind']} session at {row['prison']} on "
                                     f"{WEEKDAYS[wanted['weekday']]} at "
                                     f"{wanted['start']:%H:%M} in this file or already loaded")


def find_template(session: Session, key: tuple) -> SessionTemplate | None:
    code, weekday, start, kind = key
    return session.scalar(select(SessionTemplate).join(Prison).where(
        Prison.code == code, SessionTemplate.weekday == weekday,
        SessionTemplate.start_time == start, SessionTemplate.kind == kind)
        .order_by(SessionTemplate.id))


def _existing(session: Session, column, values: set) -> set:
    if not values:
        return set()
    return set(session.scalars(select(column).where(column.in_(values))))


def _all(sections: dict[str, Rows], field: str, *names: str) -> set:
    return {row[field] for name in names for _, row in sections[name]}


def _no_prisoner(number: str) -> str:
    return f"no prisoner {number} in this file or already loaded"


def _describe(key: tuple) -> str:
    if key[0] == "ref":
        return f"with ref {quoted(key[1])}"
    return f"with phone {key[1]} born {key[2].isoformat()}"

