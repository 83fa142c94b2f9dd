"""Writing a checked load file: each row found by its natural key, created or brought up to date,
every change in the audit log. Nothing is deleted."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .actor import LOADER, Actor
from .audit import record, snapshot
from .clock import Clock
from .entitlement import visiting_orders_per_renewal
from .loading_refs import Rows, find_template, find_visitors, visitor_keys
from .loading_slots import update_slots
from .models import (ApprovedVisitor, Closure, NonAssociation, Prison, Prisoner,
                     SessionTemplate, Visitor)
from .models.people import STANDARD
from .ports import PinHasher

LOADER_ACTOR = Actor.system(LOADER)
OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class LoadReport:
    counts: dict[str, Counter] = field(default_factory=dict)
    transferred: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, entity: str, outcome: str) -> None:
        self.counts.setdefault(entity, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def summary(self) -> str:
        lines = [f"{entity}: " + ", ".join(f"{counter[o]} {o}" for o in OUTCOMES)
                 for entity, counter in self.counts.items()]
        lines += [f"transferred {number}" for number in self.transferred]
        return "\n".join(lines + self.notes) or "nothing to load"


class Applier:
    def __init__(self, session: Session, clock: Clock, hasher: PinHasher, report: LoadReport):
        self.session, self.clock, self.hasher, self.report = session, clock, hasher, report
        self.prisons: dict[str, Prison] = {}
        self.prisoners: dict[str, Prisoner] = {}
        self.visitors: dict[tuple, Visitor] = {}
        self.retimed: list[SessionTemplate] = []
        self.closures: list[Closure] = []
        self.transfers: list[tuple[Prisoner, int]] = []

    def apply(self, sections: dict[str, Rows]) -> list[tuple[Prisoner, int]]:
        """Write every section; the transfers to make once this commits (prisoner, prison id)."""
        for name, write in (("prisons", self.prison), ("session_templates", self.template),
                            ("closures", self.closure), ("prisoners", self.prisoner),
                            ("visitors", self.visitor), ("approved_visitors", self.approval),
                            ("non_associations", self.non_association)):
            for _place, row in sections[name]:
                write(row)
        self.session.flush()
        update_slots(self.session, self.clock, self.report.notes, prisons=self.prisons.values(),
                     changed_templates=self.retimed, changed_closures=self.closures)
        return self.transfers

    # --- one writer per section --------------------------------------------------------

    def prison(self, row: dict) -> None:
        existing = self.session.scalar(select(Prison).where(Prison.code == row["code"]))
        self.prisons[row["code"]], _ = self._save("prison", Prison, existing, row)

    def template(self, row: dict) -> None:
        existing = find_template(self.session, (row["prison"], row["weekday"], row["start"],
                                                row["kind"]))
        values = _renamed(row, prison="prison_id", start="start_time", end="end_time")
        values["prison_id"] = self.prison_id(row["prison"])
        template, outcome = self._save("session_template", SessionTemplate, existing, values)
        if outcome != "unchanged":
            self.retimed.append(template)

    def closure(self, row: dict) -> None:
        prison_id = self.prison_id(row["prison"])
        wanted = row["session"]
        template_id = None if wanted is None else find_template(self.session, (
            row["prison"], wanted["weekday"], wanted["start"], wanted["kind"])).id
        same_session = (Closure.template_id.is_(None) if template_id is None
                        else Closure.template_id == template_id)
        existing = self.session.scalar(select(Closure).where(
            Closure.prison_id == prison_id, Closure.first_date == row["first_date"],
            Closure.last_date == row["last_date"], same_session))
        values = _renamed(row, prison="prison_id", session="template_id")
        values.update(prison_id=prison_id, template_id=template_id)
        closure, outcome = self._save("closure", Closure, existing, values)
        if outcome != "unchanged":
            self.closures.append(closure)

    def prisoner(self, row: dict) -> None:
        existing = self.session.scalar(select(Prisoner).where(Prisoner.number == row["number"]))
        values = _renamed(row, prison="prison_id")
        values["prison_id"] = self.prison_id(row["prison"])
        if existing is not None:
            values.pop("vo_balance", None)  # an opening balance: the line keeps it after that
            if existing.prison_id not in (None, values["prison_id"]):
                self.transfers.append((existing, values.pop("prison_id")))
        elif "vo_balance" not in values:
            values["vo_balance"] = self._opening_balance(row)
        self.prisoners[row["number"]], _ = self._save("prisoner", Prisoner, existing, values)

    def _opening_balance(self, row: dict) -> int:
        """A prisoner first loaded without a balance starts with what a renewal would give."""
        if row.get("vo_allowance") is not None:
            return row["vo_allowance"]
        return visiting_orders_per_renewal(self.prisons[row["prison"]],
                                           row.get("incentive_level", STANDARD))

    def visitor(self, row: dict) -> None:
        existing = self._find_visitor(row)
        values = _renamed(row, ref="external_ref")
        if "pin" in values:
            self._hash_pin(existing, values)
        if existing is None:
            values["created_at"] = self.clock.now()
        visitor, _ = self._save("visitor", Visitor, existing, values)
        for key in visitor_keys(row):
            self.visitors[key] = visitor

    def approval(self, row: dict) -> None:
        prisoner_id, visitor_id = self.prisoner_id(row["prisoner"]), self.visitor_id(row["visitor"])
        existing = self.session.scalar(select(ApprovedVisitor).where(
            ApprovedVisitor.prisoner_id == prisoner_id, ApprovedVisitor.visitor_id == visitor_id))
        values = _renamed(row, prisoner="prisoner_id", visitor="visitor_id",
                          relationship="relationship_to_prisoner")
        values.update(prisoner_id=prisoner_id, visitor_id=visitor_id)
        self._save("approved_visitor", ApprovedVisitor, existing, values)

    def non_association(self, row: dict) -> None:
        low, high = sorted(self.prisoner_id(number) for number in row["prisoners"])
        existing = self.session.scalar(select(NonAssociation).where(
            NonAssociation.prisoner_id == low, NonAssociation.other_prisoner_id == high))
        values = {"prisoner_id": low, "other_prisoner_id": high}
        if "reason" in row:
            values["reason"] = row["reason"]
        self._save("non_association", NonAssociation, existing, values)

    def _hash_pin(self, existing: Visitor | None, values: dict) -> None:
        """A PIN is kept only as a hash; the same PIN loaded again is no change."""
        pin = values.pop("pin")
        if pin is None:
            values["pin_hash"] = None
        elif not (existing and existing.pin_hash and self.hasher.verify(existing.pin_hash, pin)):
            values["pin_hash"] = self.hasher.hash(pin)

    # --- finding what rows refer to ------------------------------------------------------

    def prison_id(self, code: str) -> int:
        if code not in self.prisons:
            self.prisons[code] = self.session.scalar(select(Prison).where(Prison.code == code))
        return self.prisons[code].id

    def prisoner_id(self, number: str) -> int:
        if number not in self.prisoners:
            self.prisoners[number] = self.session.scalar(
                select(Prisoner).where(Prisoner.number == number))
        return self.prisoners[number].id

    def visitor_id(self, key: tuple) -> int:
        if key not in self.visitors:
            self.visitors[key] = find_visitors(self.session, key)[0]
        return self.visitors[key].id

    def _find_visitor(self, row: dict) -> Visitor | None:
        keys = visitor_keys(row)
        found = find_visitors(self.session, keys[0])
        if not found and row.get("ref") and len(keys) > 1:
            # A visitor first loaded without a ref takes the ref the file now gives them.
            found = [v for v in find_visitors(self.session, keys[1]) if v.external_ref is None]
        return found[0] if found else None

    # --- saving with the audit log ------------------------------------------------------

    def _save(self, entity: str, model, existing, values: dict) -> tuple[object, str]:
        """The row, created or brought up to date, and which ("created", "updated", ...)."""
        if existing is None:
            obj = model(**values)
            self.session.add(obj)
            self.session.flush()
            record(self.session, self.clock, LOADER_ACTOR, entity, obj.id, "created",
                   after=_with_pin(snapshot(obj), values))
            return self._counted(entity, "created", obj)
        changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if not changed:
            return self._counted(entity, "unchanged", existing)
        before = {k: getattr(existing, k) for k in changed}
        for name, value in changed.items():
            setattr(existing, name, value)
        record(self.session, self.clock, LOADER_ACTOR, entity, existing.id, "updated",
               before=before, after=_with_pin(dict(changed), changed))
        return self._counted(entity, "updated", existing)

    def _counted(self, entity: str, outcome: str, obj) -> tuple[object, str]:
        self.report.count(entity, outcome)
        return obj, outcome


def _renamed(row: dict, **names: str) -> dict:
    return {names.get(key, key): value for key, value in row.items()}


def _with_pin(after: dict, values: dict) -> dict:
    """The audit log never holds a PIN or its hash; it says one was set or removed."""
    if "pin_hash" in values:
        after["pin"] = "set" if values["pin_hash"] else "removed"
    return after
