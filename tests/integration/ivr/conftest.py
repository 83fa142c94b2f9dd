"""A small prison world for whole phone calls: one English prison, one Welsh, their sessions,
a prisoner with an approved visitor (PIN 4321) and her daughter, and a solicitor."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from core.models import Prison, Prisoner, Visitor
from tests.support.call_walker import phone
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor)

LEAD_PHONE = "+447400123456"
WELSH_PHONE = "+447400223344"
SOLICITOR_PHONE = "+447400654321"
UNKNOWN_PHONE = "+447400999888"
PIN = "4321"


@dataclass
class World:
    prison: Prison
    prisoner: Prisoner
    lead: Visitor
    child: Visitor
    solicitor: Visitor
    welsh_prison: Prison
    welsh_prisoner: Prisoner
    welsh_lead: Visitor


@pytest.fixture(scope="session")
def pin_hash(hasher) -> str:
    return hasher.hash(PIN)


@pytest.fixture
def world(session, pin_hash) -> World:
    prison = create_prison(session, code="LEI", name="HMP Leeds")
    for weekday in range(7):
        create_template(session, prison, weekday=weekday, start=time(14), end=time(16),
                        open_tables=20, closed_tables=2)
    create_template(session, prison, weekday=5, start=time(9, 30), end=time(11, 30),
                    open_tables=10, closed_tables=1)
    create_template(session, prison, weekday=3, start=time(9, 30), end=time(11),
                    open_tables=4, closed_tables=0, kind="professional")
    prisoner = create_prisoner(session, prison, number="A1234BC", first_name="Daniel",
                               last_name="Hughes")
    lead = create_visitor(session, first_name="Sarah", last_name="Hughes", phone=LEAD_PHONE,
                          pin_hash=pin_hash, date_of_birth=date(1991, 6, 20))
    child = create_visitor(session, first_name="Mia", last_name="Hughes", phone="",
                           date_of_birth=date(2019, 6, 1))
    solicitor = create_visitor(session, first_name="Ruth", last_name="Okafor",
                               professional_role="solicitor", phone=SOLICITOR_PHONE,
                               pin_hash=pin_hash)
    approve(session, prisoner, lead, relationship="wife")
    approve(session, prisoner, child, relationship="daughter")
    welsh_prison = create_prison(session, code="CFI", name="Carchar Caerdydd", language="cy")
    for weekday in range(7):
        create_template(session, welsh_prison, weekday=weekday, start=time(14), end=time(16))
    welsh_prisoner = create_prisoner(session, welsh_prison, number="W4567EF",
                                     first_name="Owain", last_name="Price")
    welsh_lead = create_visitor(session, first_name="Cerys", last_name="Price",
                                phone=WELSH_PHONE, pin_hash=pin_hash, language="cy")
    approve(session, welsh_prisoner, welsh_lead, relationship="wife")
    session.commit()
    return World(prison, prisoner, lead, child, solicitor, welsh_prison, welsh_prisoner,
                 welsh_lead)


@pytest.fixture
def call(client, world):
    """A call from the lead visitor's number, not yet placed."""
    return phone(client, LEAD_PHONE)


def slot_on(session, clock, prison, day, hour: int = 14):
    """The visit slot of `prison` on `day` starting at `hour` (made if not yet)."""
    from sqlalchemy import select
    from core.clock import LONDON
    from core.models import VisitSlot
    from core.slots import ensure_visit_slots
    ensure_visit_slots(session, prison, clock)
    session.commit()
    return next(s for s in session.scalars(select(VisitSlot).where(
        VisitSlot.prison_id == prison.id, VisitSlot.date == day))
        if s.starts_at.astimezone(LONDON).hour == hour)


def fill(session, slot) -> None:
    """Every open table of the slot taken."""
    slot.open_taken = slot.open_tables
    session.commit()


def book(uow_factory, clock, slot, prisoner, visitors):
    from core.actor import Actor
    from core.booking import book_visit
    with uow_factory() as uow:
        booking = book_visit(uow, clock, slot_id=slot.id, prisoner_id=prisoner.id,
                             visitor_ids=[v.id for v in visitors],
                             actor=Actor.visitor(visitors[0].id, "phone"))
        return booking.id, booking.reference


def spoken(reference: str) -> str:
    """A reference as the line reads it: "1 2 3, 4 5 6, 7 8 9"."""
    return ", ".join(" ".join(reference[i:i + 3]) for i in range(0, 9, 3))


def identify(call, pin: str = PIN) -> list[str]:
    """Through the greeting and the PIN to the main menu."""
    from tests.support.call_walker import gather_step
    call.start()
    assert gather_step(call) == "welcome"
    call.wait()
    assert gather_step(call) == "identify"
    heard = call.press(pin + "#")
    assert gather_step(call) == "menu", heard
    return heard
