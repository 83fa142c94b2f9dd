"""What a load does to visit slots: every prison named gets its slots made; a new or changed
session gets its slots (again) up to the end of the window; a new closure closes slots already
made."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import Clock, at_local, local_today
from .models import Closure, Prison, SessionTemplate, VisitSlot
from .slots import apply_closure, ensure_visit_slots

NO_LONGER_RUNS = "session no longer runs"


def update_slots(session: Session, clock: Clock, notes: list[str], *, prisons: Iterable[Prison],
                 changed_templates: list[SessionTemplate],
                 changed_closures: list[Closure]) -> None:
    today = local_today(clock)
    for template in changed_templates:
        refresh_slots(session, template, today, notes)
        template.prison.slots_generated_until = None  # so the sessions' slots are made again
    for prison in prisons:
        ensure_visit_slots(session, prison, clock)
    for closure in changed_closures:
        apply_closure(session, closure)


def refresh_slots(session: Session, template: SessionTemplate, today: date,
                  notes: list[str]) -> None:
    """Slots already made for a changed session take its new end time, its capacity (where no
    more is taken already) and its dates (closed where it no longer runs)."""
    for slot in session.scalars(select(VisitSlot).where(
            VisitSlot.template_id == template.id, VisitSlot.date >= today)):
        if slot.date < template.valid_from or (template.valid_to and
                                               slot.date > template.valid_to):
            slot.closed_reason = slot.closed_reason or NO_LONGER_RUNS
            continue
        slot.ends_at = at_local(slot.date, template.end_time)
        for kind in ("open", "closed"):
            tables, taken = getattr(template, f"{kind}_tables"), getattr(slot, f"{kind}_taken")
            if taken <= tables:
                setattr(slot, f"{kind}_tables", tables)
            elif getattr(slot, f"{kind}_tables") != tables:
                notes.append(f"{template.prison.code} {slot.date}: keeps "
                             f"{getattr(slot, f'{kind}_tables')} {kind} tables, {taken} already "
                             f"taken (the session now has {tables})")
