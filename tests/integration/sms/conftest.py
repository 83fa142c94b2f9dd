"""A small world for texts: an English and a Welsh prison, a booking each, a party member with
a phone of her own, a registered visitor on no booking, and helpers that text the line as Twilio
delivers texts (signed form posts) and read its TwiML answer."""
from __future__ import annotations

import dataclasses
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.container import build
from config.settings import from_environment

from core.actor import Actor
from core.booking import book_visit
from core.clock import LONDON, FixedClock
from core.models import Booking, Prison, Prisoner, Visitor, VisitSlot
from core.slots import ensure_visit_slots
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor)
from tests.conftest import NOW
from tests.support.fake_twilio import FakeTwilio
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN, BASE_URL, signed_post

LEAD_PHONE = "+447400123456"
MEMBER_PHONE = "+447400223300"
STRANGER_PHONE = "+447400654321"
WELSH_PHONE = "+447400223344"
UNKNOWN_PHONE = "+447400999888"
THU_10_DEC = date(2026, 12, 10)


@dataclass
class World:
    prison: Prison
    prisoner: Prisoner
    lead: Visitor
    member: Visitor
    stranger: Visitor
    welsh_lead: Visitor
    booking: Booking
    welsh_booking: Booking
    slot: VisitSlot


def slot_on(session, clock, prison, day: date, hour: int = 14) -> VisitSlot:
    ensure_visit_slots(session, prison, clock)
    session.commit()
    return next(s for s in session.scalars(select(VisitSlot).where(
        VisitSlot.prison_id == prison.id, VisitSlot.date == day))
        if s.starts_at.astimezone(LONDON).hour == hour)


def book(uow_factory, clock, slot, prisoner, visitors) -> Booking:
    with uow_factory() as uow:
        return book_visit(uow, clock, slot_id=slot.id, prisoner_id=prisoner.id,
                          visitor_ids=[v.id for v in visitors],
                          actor=Actor.visitor(visitors[0].id, "phone"))


@pytest.fixture
def world(session, uow_factory, clock) -> World:
    prison = create_prison(session, code="LEI", name="HMP Leeds")
    welsh_prison = create_prison(session, code="CFI", name="Carchar Caerdydd", language="cy")
    for one in (prison, welsh_prison):
        for weekday in range(7):
            create_template(session, one, weekday=weekday, start=time(14), end=time(16),
                            open_tables=1, closed_tables=0)
    prisoner = create_prisoner(session, prison, number="A1234BC", first_name="Daniel",
                               last_name="Hughes")
    lead = create_visitor(session, first_name="Sarah", last_name="Hughes", phone=LEAD_PHONE)
    member = create_visitor(session, first_name="Jo", last_name="Hughes", phone=MEMBER_PHONE,
                            date_of_birth=date(1970, 1, 1))
    stranger = create_visitor(session, first_name="Nick", last_name="Other",
                              phone=STRANGER_PHONE)
    approve(session, prisoner, lead, relationship="wife")
    approve(session, prisoner, member, relationship="mother")
    welsh_prisoner = create_prisoner(session, welsh_prison, number="W4567EF",
                                     first_name="Owain", last_name="Price")
    welsh_lead = create_visitor(session, first_name="Cerys", last_name="Price",
                                phone=WELSH_PHONE, language="cy")
    approve(session, welsh_prisoner, welsh_lead, relationship="wife")
    session.commit()
    slot = slot_on(session, clock, prison, THU_10_DEC)
    booking = book(uow_factory, clock, slot, prisoner, [lead, member])
    welsh_booking = book(uow_factory, clock, slot_on(session, clock, welsh_prison, THU_10_DEC),
                         welsh_prisoner, [welsh_lead])
    return World(prison, prisoner, lead, member, stranger, welsh_lead, booking, welsh_booking,
                 slot)


def committed_line(url: str, tmp_path, **env):
    """The line over a database of its own, committed for real (for threads and workers), with
    a booking for Sarah (lead) and Jo."""
    settings = from_environment({
        "VISITLINE_ENV": "test", "DATABASE_URL": url, "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_PHONE_NUMBER": "+447400000999",
        "SECRET_KEY": "x" * 40, **env}, instance=tmp_path)
    container = build(settings, clock=FixedClock(NOW))
    with Session(container.engine, expire_on_commit=False) as session:
        prison = create_prison(session, code="LEI", name="HMP Leeds")
        for weekday in range(7):
            create_template(session, prison, weekday=weekday, start=time(14), end=time(16))
        prisoner = create_prisoner(session, prison, number="A1234BC")
        lead = create_visitor(session, first_name="Sarah", phone=LEAD_PHONE)
        member = create_visitor(session, first_name="Jo", phone=MEMBER_PHONE)
        approve(session, prisoner, lead)
        approve(session, prisoner, member)
        session.commit()
        slot = slot_on(session, container.clock, prison, THU_10_DEC)
        session.commit()        # on SQLite every transaction holds the write lock
    return container, book(container.uow, container.clock, slot, prisoner, [lead, member])


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def text(client, body: str, *, from_: str = LEAD_PHONE, sid: str | None = None,
         base_url: str = BASE_URL, **extra):
    """A text to the line, as Twilio delivers it (signed for the URL Twilio calls)."""
    return signed_post(client, "/sms/inbound", {
        "MessageSid": sid or new_sid(), "AccountSid": "AC" + "0" * 32, "From": from_,
        "To": "+447400000999", "Body": body, "NumMedia": "0", **extra}, base_url=base_url)


def replies(response) -> list[str]:
    """The texts a TwiML answer sends back (none for an empty <Response/>)."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.tag == "Response"
    return [(m.text or "") + "".join((b.text or "") for b in m.findall("Body"))
            for m in root.findall("Message")]


def reply(response) -> str:
    answered = replies(response)
    assert len(answered) <= 1
    return answered[0] if answered else ""


@pytest.fixture(scope="session")
def fake_twilio_server():
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture
def fake_twilio(fake_twilio_server, clock):
    fake_twilio_server.reset()
    fake_twilio_server.clock = clock.now
    return fake_twilio_server


LINE = "https://line.example"


@pytest.fixture
def line_settings(settings, fake_twilio):
    """The line's settings sending through the loopback fake, with delivery reports to LINE."""
    return dataclasses.replace(settings, twilio_api_base_url=fake_twilio.base_url,
                               public_base_url=LINE)


@pytest.fixture
def sender(line_settings):
    from config.sms_wiring import make_sender
    return make_sender(line_settings)
