"""One visit per prisoner per session; a visitor never in two visits at once; non-associated
prisoners never have visits at the same prison on the same day."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.booking import confirm_booking
from core.cancel import cancel_booking
from core.errors import Refused
from core.holds import hold_table
from core.models import Booking, VisitSlot
from tests.support.factories import (approve, create_prison, create_prisoner, create_template,
                                     create_visitor, non_associate)

from .helpers import THU_10_DEC, as_visitor, book, booking_refused, slot_on


@pytest.fixture
def enemy(session, world):
    """A prisoner at the same prison who must never meet world.prisoner, with a visitor."""
    other = create_prisoner(session, world.prison, number="B2222CD", first_name="Dale")
    non_associate(session, world.prisoner, other)
    visitor = create_visitor(session, first_name="Kim")
    approve(session, other, visitor)
    session.commit()
    return other, visitor


def test_non_associated_prisoners_never_have_visits_on_the_same_day(backend, session,
                                                                    uow_factory, clock, world,
                                                                    enemy):
    other, their_visitor = enemy
    create_template(session, world.prison, weekday=3, start=time(10), end=time(11))
    morning, afternoon = _social(session, world, clock, THU_10_DEC)
    book(uow_factory, clock, slot=afternoon, prisoner=other, visitors=[their_visitor])
    for session_that_day in (morning, afternoon):
        refused = booking_refused(uow_factory, clock, slot=session_that_day,
                                  prisoner=world.prisoner, visitors=[world.lead])
        assert refused.reason == "non_association"


def test_non_associated_prisoners_may_have_visits_on_different_days(backend, session,
                                                                    uow_factory, clock, world,
                                                                    enemy):
    other, their_visitor = enemy
    book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
         prisoner=other, visitors=[their_visitor])
    booking = book(uow_factory, clock,
                   slot=slot_on(session, world.prison, clock, date(2026, 12, 11)),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert booking.status == "booked"


def test_a_non_associates_cancelled_visit_does_not_block_the_day(backend, session, uow_factory,
                                                                 clock, world, enemy):
    other, their_visitor = enemy
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    theirs = book(uow_factory, clock, slot=slot, prisoner=other, visitors=[their_visitor])
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=theirs.id, actor=as_visitor(their_visitor))
    assert book(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                visitors=[world.lead]).status == "booked"


def test_non_association_applies_only_at_the_same_prison(backend, session, uow_factory, clock,
                                                         world, enemy):
    other, their_visitor = enemy
    elsewhere = create_prison(session, code="WYI", name="HMP Wakefield")
    create_template(session, elsewhere, weekday=3)
    other.prison_id = elsewhere.id
    session.commit()
    book(uow_factory, clock, slot=slot_on(session, elsewhere, clock, THU_10_DEC),
         prisoner=other, visitors=[their_visitor])
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert booking.status == "booked"


def test_a_prisoner_has_at_most_one_visit_in_a_session(backend, session, uow_factory, clock,
                                                       world):
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    book(uow_factory, clock, slot=slot, prisoner=world.prisoner, visitors=[world.lead])
    sibling = create_visitor(session, first_name="Ash")
    approve(session, world.prisoner, sibling, relationship="brother")
    session.commit()
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                              visitors=[sibling])
    assert refused.reason == "prisoner_already_booked"


def test_the_database_holds_one_active_visit_per_prisoner_per_session(backend, session,
                                                                      uow_factory, clock, world):
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    book(uow_factory, clock, slot=slot, prisoner=world.prisoner, visitors=[world.lead])
    session.add(Booking(reference="999999990", prison_id=world.prison.id,
                        prisoner_id=world.prisoner.id, slot_id=slot.id,
                        lead_visitor_id=world.lead.id, kind="social", status="requested",
                        channel="admin", created_at=clock.now()))
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_visitor_is_never_in_two_visits_at_the_same_time(backend, session, uow_factory, clock,
                                                           world):
    brother = create_prisoner(session, world.prison, number="C3333DE", first_name="Jay")
    approve(session, brother, world.lead, relationship="sister")
    session.commit()
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    book(uow_factory, clock, slot=slot, prisoner=world.prisoner, visitors=[world.lead])
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=brother,
                              visitors=[world.lead])
    assert refused.reason == "visitor_already_booked"
    assert refused.params == {"name": "Sam Turner"}


def test_a_visitor_cannot_be_at_two_prisons_at_overlapping_times(backend, session, uow_factory,
                                                                 clock, world):
    elsewhere = create_prison(session, code="WYI", name="HMP Wakefield")
    create_template(session, elsewhere, weekday=3, start=time(15), end=time(17))
    father = create_prisoner(session, elsewhere, number="D4444EF", first_name="Rob")
    approve(session, father, world.lead, relationship="daughter")
    session.commit()
    book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
         prisoner=world.prisoner, visitors=[world.lead])
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, elsewhere, clock, THU_10_DEC),
                              prisoner=father, visitors=[world.lead])
    assert refused.reason == "visitor_already_booked"


def test_a_visitor_may_make_visits_that_do_not_overlap(backend, session, uow_factory, clock,
                                                       world):
    brother = create_prisoner(session, world.prison, number="C3333DE", first_name="Jay")
    approve(session, brother, world.lead, relationship="sister")
    create_template(session, world.prison, weekday=3, start=time(10), end=time(11))
    morning, afternoon = _social(session, world, clock, THU_10_DEC)
    book(uow_factory, clock, slot=afternoon, prisoner=world.prisoner, visitors=[world.lead])
    assert book(uow_factory, clock, slot=morning, prisoner=brother,
                visitors=[world.lead]).status == "booked"


def _social(session, world, clock, day) -> list[VisitSlot]:
    """The day's social sessions, earliest first."""
    slot_on(session, world.prison, clock, day)
    return session.scalars(select(VisitSlot).where(
        VisitSlot.prison_id == world.prison.id, VisitSlot.date == day,
        VisitSlot.kind == "social").order_by(VisitSlot.starts_at)).all()


def test_two_callers_holding_tables_for_one_prisoner_get_one_visit(backend, session, uow_factory,
                                                                   clock, world):
    sibling = create_visitor(session, first_name="Ash")
    approve(session, world.prisoner, sibling, relationship="brother")
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    holds = []
    for visitor in (world.lead, sibling):
        with uow_factory() as uow:
            holds.append(hold_table(uow, clock, slot_id=slot.id, prisoner_id=world.prisoner.id,
                                    visitor_ids=[visitor.id], actor=as_visitor(visitor)))
    outcomes = []
    for held, visitor in zip(holds, (world.lead, sibling)):
        try:
            with uow_factory() as uow:
                outcomes.append(confirm_booking(uow, clock, hold_id=held.hold_id,
                                                actor=as_visitor(visitor)).status)
        except Refused as refused:
            outcomes.append(refused.reason)
    assert outcomes == ["booked", "prisoner_already_booked"]
    assert session.get(VisitSlot, slot.id, populate_existing=True).open_taken == 1
