"""The party: an adult lead, at most 6 people and 3 adults a table, large families at two."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.models import BookingVisitor
from tests.support.factories import approve, create_visitor

from .helpers import THU_10_DEC, book, booking_refused, reread, slot_on


def _approved(session, prisoner, count, *, born, first_name="Kin"):
    people = []
    for n in range(count):
        visitor = create_visitor(session, first_name=f"{first_name}{n}", date_of_birth=born,
                                 phone="")
        approve(session, prisoner, visitor, relationship="family")
        people.append(visitor)
    session.commit()
    return people


ADULT = date(1980, 1, 1)
AGED_16 = date(2010, 6, 1)       # 16 on 10 December 2026
CHILD = date(2018, 1, 1)


def test_a_party_with_nobody_18_or_over_is_refused(backend, session, uow_factory, clock, world):
    children = _approved(session, world.prisoner, 1, born=CHILD)
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.child, *children])
    assert refused.reason == "no_adult"


def test_the_lead_visitor_must_be_18_or_over(backend, session, uow_factory, clock, world):
    [teenager] = _approved(session, world.prisoner, 1, born=date(2009, 1, 1))  # 17
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[teenager, world.lead])
    assert refused.reason == "no_adult"


def test_a_lead_who_turns_18_by_the_visit_may_book(backend, session, uow_factory, clock, world):
    [nearly_adult] = _approved(session, world.prisoner, 1, born=date(2008, 12, 10))
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[nearly_adult])
    assert booking.status == "booked"


def test_children_are_recorded_in_the_party(backend, session, uow_factory, clock, world):
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead, world.child])
    party = session.execute(select(BookingVisitor.visitor_id, BookingVisitor.position,
                                   BookingVisitor.relationship_to_prisoner)
                            .where(BookingVisitor.booking_id == booking.id)
                            .order_by(BookingVisitor.position)).all()
    assert [tuple(row) for row in party] == [(world.lead.id, 0, "partner"),
                                             (world.child.id, 1, "daughter")]


def test_a_table_seats_6_people_with_3_adults(backend, session, uow_factory, clock, world):
    adults = _approved(session, world.prisoner, 2, born=ADULT)
    children = _approved(session, world.prisoner, 2, born=CHILD)
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    booking = book(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                   visitors=[world.lead, *adults, world.child, *children])
    assert booking.tables == 1
    assert reread(session, slot).open_taken == 1


def test_a_seventh_person_needs_a_second_table(backend, session, uow_factory, clock, world):
    children = _approved(session, world.prisoner, 5, born=CHILD)
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    booking = book(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                   visitors=[world.lead, world.child, *children])
    assert booking.tables == 2
    assert reread(session, slot).open_taken == 2


def test_a_fourth_adult_needs_a_second_table(backend, session, uow_factory, clock, world):
    adults = _approved(session, world.prisoner, 3, born=ADULT)
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead, *adults])
    assert booking.tables == 2


def test_who_counts_as_an_adult_for_seating_is_set_per_prison(backend, session, uow_factory,
                                                              clock, world):
    adults = _approved(session, world.prisoner, 2, born=ADULT)
    teenagers = _approved(session, world.prisoner, 1, born=AGED_16)
    party = [world.lead, *adults, *teenagers]
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    world.prison.adult_age = 16
    session.commit()
    assert book(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                visitors=party).tables == 2


def test_at_the_default_adult_age_of_18_a_16_year_old_sits_as_a_child(backend, session,
                                                                      uow_factory, clock, world):
    adults = _approved(session, world.prisoner, 2, born=ADULT)
    teenagers = _approved(session, world.prisoner, 1, born=AGED_16)
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead, *adults, *teenagers])
    assert booking.tables == 1


def test_a_large_family_takes_two_tables_where_the_prison_allows_it(backend, session,
                                                                    uow_factory, clock, world):
    family = _approved(session, world.prisoner, 8, born=CHILD)
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead, *family])
    assert (booking.status, booking.tables) == ("booked", 2)


def test_a_party_too_large_for_two_tables_is_refused(backend, session, uow_factory, clock,
                                                     world):
    family = _approved(session, world.prisoner, 12, born=CHILD)
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.lead, *family])
    assert refused.reason == "party_too_large"
    assert refused.params == {"max_people": 6, "max_adults": 3}


def test_a_large_family_cannot_take_the_last_table(backend, session, uow_factory, clock, world):
    family = _approved(session, world.prisoner, 6, born=CHILD)
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    slot.open_tables = 1
    session.commit()
    refused = booking_refused(uow_factory, clock, slot=slot, prisoner=world.prisoner,
                              visitors=[world.lead, *family])
    assert refused.reason == "slot_full"
    assert reread(session, slot).open_taken == 0
