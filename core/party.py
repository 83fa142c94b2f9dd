"""Who is coming: seating a party at tables (spec row 8, large families) and who leads it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import Refused
from .models import Prison, Visitor

LEAD_MIN_AGE = 18
MAX_TABLES = 2


@dataclass(frozen=True)
class Seating:
    tables: int
    # A party bigger than one table where the prison does not seat families at two goes to staff.
    needs_staff: bool


def party_needs_an_adult_lead(visitors: list[Visitor], day: date) -> None:
    """The lead visitor is 18 or over; children are recorded but never book alone."""
    if not visitors or visitors[0].age_on(day) < LEAD_MIN_AGE:
        raise Refused("no_adult")


def seat_party(prison: Prison, visitors: list[Visitor], day: date) -> Seating:
    """Tables the party needs: one if it fits, two for a large family, else refused."""
    people = len(visitors)
    adults = sum(1 for v in visitors if v.age_on(day) >= prison.adult_age)
    for tables in range(1, MAX_TABLES + 1):
        if people <= tables * prison.table_max_people and adults <= tables * prison.table_max_adults:
            return Seating(tables, needs_staff=tables > 1 and not prison.allows_two_tables)
    raise Refused("party_too_large", max_people=prison.table_max_people,
                  max_adults=prison.table_max_adults)
