"""The load file's sections and their fields (docs/loading.md), and the checks within one row."""
from __future__ import annotations

from datetime import date, timedelta

from . import loading_fields as f
from .loading_fields import Field, Problems
from .models.people import INCENTIVE_LEVELS

# Said with every booking and written in every confirmation, whose length budget it is part of.
ID_WORDING_LIMIT = 100

PRISON_FIELDS = {
    "code": Field(f.prison_code, required=True),
    "name": Field(f.text(120, empty=False), required=True),
    "language": Field(f.choice("en", "cy")),
    "address": Field(f.text(240)),
    "min_notice_days": Field(f.whole(0, 27)),
    "notice_in_working_days": Field(f.yes_no),
    "notice_cutoff": Field(f.clock_time, nullable=True),
    "max_advance_days": Field(f.whole(1, 28)),
    "adult_age": Field(f.whole(10, 18)),
    "table_max_people": Field(f.whole(1, 12)),
    "table_max_adults": Field(f.whole(1, 12)),
    "allows_two_tables": Field(f.yes_no),
    "remand_visits_per_week": Field(f.whole(1, 7)),
    "vo_allowance_basic": Field(f.visiting_orders),
    "vo_allowance_standard": Field(f.visiting_orders),
    "vo_allowance_enhanced": Field(f.visiting_orders),
    "hold_minutes": Field(f.whole(1, 60)),
    "reminder_offsets_hours": Field(f.hours_list),
    "id_requirements": Field(f.text(ID_WORDING_LIMIT)),
    "id_requirements_cy": Field(f.text(ID_WORDING_LIMIT)),
}

TEMPLATE_FIELDS = {
    "prison": Field(f.prison_code, required=True),
    "weekday": Field(f.weekday, required=True),
    "start": Field(f.clock_time, required=True),
    "end": Field(f.clock_time, required=True),
    "kind": Field(f.choice("social", "professional")),
    "valid_from": Field(f.day, required=True),
    "valid_to": Field(f.day, nullable=True),
    "open_tables": Field(f.whole(0, 500), required=True),
    "closed_tables": Field(f.whole(0, 500)),
}

SESSION_FIELDS = {
    "weekday": Field(f.weekday, required=True),
    "start": Field(f.clock_time, required=True),
    "kind": Field(f.choice("social", "professional")),
}

CLOSURE_FIELDS = {
    "prison": Field(f.prison_code, required=True),
    "first_date": Field(f.day, required=True),
    "last_date": Field(f.day),
    "session": Field(lambda value: value),   # read with SESSION_FIELDS below
    "reason": Field(f.text(200)),
}

PRISONER_FIELDS = {
    "number": Field(f.prisoner_number, required=True),
    "first_name": Field(f.text(80, empty=False), required=True),
    "last_name": Field(f.text(80, empty=False), required=True),
    "date_of_birth": Field(f.birth_date, required=True),
    "prison": Field(f.prison_code, required=True),
    "location": Field(f.text(40)),
    "legal_status": Field(f.choice("convicted", "remand")),
    "incentive_level": Field(f.choice(*INCENTIVE_LEVELS)),
    "vo_balance": Field(f.whole(0, 30)),
    "vo_allowance": Field(f.visiting_orders, nullable=True),
    "vo_renewal_date": Field(f.day, nullable=True),
    "closed_visits_only": Field(f.yes_no),
}

VISITOR_FIELDS = {
    "ref": Field(f.text(40, empty=False)),
    "first_name": Field(f.text(80, empty=False), required=True),
    "last_name": Field(f.text(80, empty=False), required=True),
    "date_of_birth": Field(f.birth_date, required=True),
    "phone": Field(f.phone, nullable=True),
    "pin": Field(f.pin, nullable=True),
    "id_status": Field(f.choice("unchecked", "checked")),
    "professional_role": Field(f.choice("solicitor", "barrister", "probation", "social_worker",
                                        "other"), nullable=True),
    "banned_until": Field(f.day_or_indefinite, nullable=True),
    "ban_reason": Field(f.text(200)),
    "public_protection_flag": Field(f.yes_no),
    "restriction_under_review": Field(f.yes_no),
    "closed_visits_only": Field(f.yes_no),
    "support_needs": Field(f.text(200)),
    "language": Field(f.choice("en", "cy")),
}

APPROVAL_FIELDS = {
    "prisoner": Field(f.prisoner_number, required=True),
    "visitor": Field(f.visitor_key, required=True),
    "relationship": Field(f.text(40, empty=False), required=True),
    "approved": Field(f.yes_no),
}

NON_ASSOCIATION_FIELDS = {
    "prisoners": Field(lambda value: value, required=True),   # checked in _non_association
    "reason": Field(f.text(200)),
}

SECTIONS = ("prisons", "session_templates", "closures", "prisoners", "visitors",
            "approved_visitors", "non_associations")


def read_sections(data, problems: Problems, today: date) -> dict[str, list[tuple[str, dict]]]:
    """Every section's rows that read cleanly, each with its place in the file."""
    if not isinstance(data, dict):
        problems.add("file", "must be a JSON object with sections: " + ", ".join(SECTIONS))
        return {name: [] for name in SECTIONS}
    for key in data:
        if key not in SECTIONS:
            problems.add(key, f"unknown section (known: {', '.join(SECTIONS)})")
    return {name: _read_section(data.get(name, []), name, problems, today) for name in SECTIONS}


def _read_section(rows, name: str, problems: Problems, today: date) -> list[tuple[str, dict]]:
    if not isinstance(rows, list):
        problems.add(name, "must be a list [...]")
        return []
    fields, check = READERS[name]
    read = []
    for index, raw in enumerate(rows):
        place = f"{name}[{index}]"
        row = f.read_row(raw, place, fields, problems)
        if row is not None and check(row, place, problems, today):
            read.append((place, row))
    return read


def _prison(row: dict, place: str, problems: Problems, today: date) -> bool:
    ok = True
    if row.get("min_notice_days", 0) > row.get("max_advance_days", 28):
        problems.add(f"{place}.min_notice_days", "is more than max_advance_days")
        ok = False
    if row.get("table_max_adults", 3) > row.get("table_max_people", 6):
        problems.add(f"{place}.table_max_adults", "is more than table_max_people")
        ok = False
    return ok


def _template(row: dict, place: str, problems: Problems, today: date) -> bool:
    ok = True
    if row["end"] <= row["start"]:
        problems.add(f"{place}.end", "must be after start")
        ok = False
    if row.get("valid_to") and row["valid_to"] < row["valid_from"]:
        problems.add(f"{place}.valid_to", "is before valid_from")
        ok = False
    if row["open_tables"] + row.get("closed_tables", 0) == 0:
        problems.add(f"{place}.open_tables", "a session needs at least one table")
        ok = False
    row.setdefault("kind", "social")
    return ok


def _closure(row: dict, place: str, problems: Problems, today: date) -> bool:
    row.setdefault("last_date", row["first_date"])
    if row["last_date"] < row["first_date"]:
        problems.add(f"{place}.last_date", "is before first_date")
        return False
    if "session" not in row or row["session"] is None:
        row["session"] = None
        return True
    session = f.read_row(row["session"], f"{place}.session", SESSION_FIELDS, problems)
    if session is None:
        return False
    session.setdefault("kind", "social")
    row["session"] = session
    days = (row["last_date"] - row["first_date"]).days
    if days < 6 and all((row["first_date"] + timedelta(days=n)).weekday() != session["weekday"]
                        for n in range(days + 1)):
        problems.add(f"{place}.session", f"no {f.WEEKDAYS[session['weekday']]} falls between "
                                         "first_date and last_date")
        return False
    return True


def _born(row: dict, place: str, problems: Problems, today: date) -> bool:
    if row["date_of_birth"] > today:
        problems.add(f"{place}.date_of_birth", "is in the future")
        return False
    return True


def _visitor(row: dict, place: str, problems: Problems, today: date) -> bool:
    if not _born(row, place, problems, today):
        return False
    if not row.get("phone") and not row.get("ref"):
        problems.add(place, "a visitor without a phone needs a ref (to be found again next load)")
        return False
    return True


def _non_association(row: dict, place: str, problems: Problems, today: date) -> bool:
    pair = row["prisoners"]
    if not isinstance(pair, list) or len(pair) != 2:
        problems.add(f"{place}.prisoners", "must be a list of two prison numbers")
        return False
    numbers = []
    for index, value in enumerate(pair):
        try:
            numbers.append(f.prisoner_number(value))
        except f.Bad as bad:
            problems.add(f"{place}.prisoners[{index}]", str(bad))
    if len(numbers) == 2 and numbers[0] == numbers[1]:
        problems.add(f"{place}.prisoners", "must be two different prisoners")
        return False
    row["prisoners"] = tuple(sorted(numbers))
    return len(numbers) == 2


def _any(row: dict, place: str, problems: Problems, today: date) -> bool:
    return True


READERS = {
    "prisons": (PRISON_FIELDS, _prison),
    "session_templates": (TEMPLATE_FIELDS, _template),
    "closures": (CLOSURE_FIELDS, _closure),
    "prisoners": (PRISONER_FIELDS, _born),
    "visitors": (VISITOR_FIELDS, _visitor),
    "approved_visitors": (APPROVAL_FIELDS, _any),
    "non_associations": (NON_ASSOCIATION_FIELDS, _non_association),
}
