"""Two prisons, staff for each, an administrator, a prisoner with approved visitors at each,
and a signed-in test client that sends the CSRF token as a browser would."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from core.models import Prison, Prisoner, StaffPrison, StaffUser, Visitor
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor)

from .helpers import PASSWORD, Browser, book, slot_on


@dataclass
class World:
    leeds: Prison
    cardiff: Prison
    prisoner: Prisoner          # at Leeds
    lead: Visitor
    child: Visitor
    other_prisoner: Prisoner    # at Cardiff
    other_lead: Visitor


@pytest.fixture(scope="session")
def password_hash(hasher) -> str:
    return hasher.hash(PASSWORD)


def add_staff(session, username: str, password_hash: str, *, role: str = "staff",
              prisons: tuple[Prison, ...] = (), all_prisons: bool = False) -> StaffUser:
    user = StaffUser(username=username, password_hash=password_hash, role=role,
                     all_prisons=all_prisons, active=True)
    user.prisons = [StaffPrison(prison_id=p.id) for p in prisons]
    session.add(user)
    session.flush()
    return user


@pytest.fixture
def world(session, password_hash) -> World:
    leeds = create_prison(session, code="LEI", name="HMP Leeds")
    cardiff = create_prison(session, code="CFI", name="HMP Cardiff")
    for prison in (leeds, cardiff):
        for weekday in range(7):
            create_template(session, prison, weekday=weekday, start=time(14), end=time(16),
                            open_tables=20, closed_tables=2)
    prisoner = create_prisoner(session, leeds, number="A1234BC", first_name="Daniel",
                               last_name="Hughes", location="B-2-014")
    lead = create_visitor(session, first_name="Sarah", last_name="Hughes",
                          phone="+447400123456", date_of_birth=date(1991, 6, 20))
    child = create_visitor(session, first_name="Mia", last_name="Hughes", phone="",
                           date_of_birth=date(2019, 6, 1))
    approve(session, prisoner, lead, relationship="wife")
    approve(session, prisoner, child, relationship="daughter")
    other_prisoner = create_prisoner(session, cardiff, number="W4567EF", first_name="Owain",
                                     last_name="Price")
    other_lead = create_visitor(session, first_name="Cerys", last_name="Price",
                                phone="+447400223344")
    approve(session, other_prisoner, other_lead, relationship="wife")
    add_staff(session, "leeds", password_hash, prisons=(leeds,))
    add_staff(session, "cardiff", password_hash, prisons=(cardiff,))
    add_staff(session, "boss", password_hash, role="admin", all_prisons=True)
    session.commit()
    return World(leeds, cardiff, prisoner, lead, child, other_prisoner, other_lead)


@pytest.fixture
def browser(client, world) -> Browser:
    return Browser(client)


@pytest.fixture
def leeds_staff(app, world) -> Browser:
    b = Browser(app.test_client())
    b.sign_in("leeds")
    return b


@pytest.fixture
def cardiff_staff(app, world) -> Browser:
    b = Browser(app.test_client())
    b.sign_in("cardiff")
    return b


@pytest.fixture
def administrator(app, world) -> Browser:
    b = Browser(app.test_client())
    b.sign_in("boss")
    return b


@pytest.fixture
def leeds_booking(session, clock, uow_factory, world):
    return book(uow_factory, clock, slot_on(session, clock, world.leeds), world.prisoner,
                [world.lead, world.child])


@pytest.fixture
def cardiff_booking(session, clock, uow_factory, world):
    return book(uow_factory, clock, slot_on(session, clock, world.cardiff),
                world.other_prisoner, [world.other_lead])
