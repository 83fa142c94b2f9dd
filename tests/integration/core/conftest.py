"""A small prison world for the booking core's rule tests."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from core.models import Prison, Prisoner, Visitor
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor)


@dataclass
class World:
    prison: Prison
    prisoner: Prisoner
    lead: Visitor        # adult on the approved list
    child: Visitor       # 7 years old, on the approved list
    solicitor: Visitor   # professional visitor


@pytest.fixture
def world(session, hasher) -> World:
    prison = create_prison(session, code="LEI", name="HMP Leeds")
    for weekday in range(7):
        create_template(session, prison, weekday=weekday, start=time(14), end=time(16),
                        open_tables=20, closed_tables=2)
    create_template(session, prison, weekday=3, start=time(9, 30), end=time(11),
                    open_tables=4, closed_tables=0, kind="professional")
    prisoner = create_prisoner(session, prison, number="A1234BC")
    lead = create_visitor(session, first_name="Sam", phone="+447400123456",
                          pin_hash=hasher.hash("4321"))
    child = create_visitor(session, first_name="Mia", date_of_birth=date(2019, 6, 1), phone="")
    solicitor = create_visitor(session, first_name="Ruth", last_name="Okafor",
                               professional_role="solicitor", phone="+447400654321")
    approve(session, prisoner, lead, relationship="partner")
    approve(session, prisoner, child, relationship="daughter")
    session.commit()
    return World(prison, prisoner, lead, child, solicitor)
