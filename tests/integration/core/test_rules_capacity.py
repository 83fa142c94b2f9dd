"""Capacity and holds: a held table counts against capacity until it is confirmed, released
(hang-up) or lapses (default 10 minutes); confirming too late is refused with hold_expired."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.booking import confirm_booking
from core.capacity import lapse_expired_holds
from core.holds import hold_table, release_hold
from core.models import BOOKED, HELD, LAPSED, RELEASED, Hold
from tests.support.factories import approve, create_prisoner, create_visitor

from .helpers import (THU_10_DEC, active_bookings, as_visitor, book, booking_refused, refusal,
                      reread, slot_on)


@pytest.fixture
def one_table(session, clock, world):
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    slot.open_tables = 1
    session.commit()
    return slot


@pytest.fixture
def next_caller(session, world):
    """Another prisoner's visitor, wanting the same session."""
    prisoner = create_prisoner(session, world.prison, number="E5555FG", first_name="Lou")
    visitor = create_visitor(session, first_name="Val")
    approve(session, prisoner, visitor)
    session.commit()
    return prisoner, visitor


def _hold(uow_factory, clock, slot, prisoner, visitor):
    with uow_factory() as uow:
        return hold_table(uow, clock, slot_id=slot.id, prisoner_id=prisoner.id,
                          visitor_ids=[visitor.id], actor=as_visitor(visitor))


def _confirm(uow_factory, clock, held, visitor):
    with uow_factory() as uow:
        return confirm_booking(uow, clock, hold_id=held.hold_id, actor=as_visitor(visitor))


def test_a_table_is_held_for_the_prisons_hold_time(backend, session, uow_factory, clock, world,
                                                   one_table):
    held = _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    assert held.expires_at == clock.now() + timedelta(minutes=10)
    assert reread(session, one_table).open_taken == 1


def test_holds_count_against_capacity(backend, session, uow_factory, clock, world, one_table,
                                      next_caller):
    _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    prisoner, visitor = next_caller
    refused = refusal(_hold, uow_factory, clock, one_table, prisoner, visitor)
    assert refused.reason == "slot_full"


def test_capacity_is_never_exceeded(backend, session, uow_factory, clock, world, one_table,
                                    next_caller):
    book(uow_factory, clock, slot=one_table, prisoner=world.prisoner, visitors=[world.lead])
    prisoner, visitor = next_caller
    refused = booking_refused(uow_factory, clock, slot=one_table, prisoner=prisoner,
                              visitors=[visitor])
    assert refused.reason == "slot_full"
    slot = reread(session, one_table)
    assert (slot.open_taken, active_bookings(session, slot)) == (1, 1)


def test_a_lapsed_hold_frees_the_place(backend, session, uow_factory, clock, world, one_table,
                                       next_caller):
    first = _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    clock.advance(minutes=10)
    prisoner, visitor = next_caller
    second = _hold(uow_factory, clock, one_table, prisoner, visitor)
    assert reread(session, one_table).open_taken == 1
    assert session.get(Hold, first.hold_id).status == LAPSED
    assert session.get(Hold, second.hold_id).status == HELD


def test_a_hold_still_in_time_keeps_the_place(backend, session, uow_factory, clock, world,
                                              one_table, next_caller):
    _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    clock.advance(minutes=9, seconds=59)
    prisoner, visitor = next_caller
    assert refusal(_hold, uow_factory, clock, one_table, prisoner, visitor).reason == "slot_full"


def test_the_scheduler_lapses_expired_holds_and_gives_their_tables_back(backend, session,
                                                                        uow_factory, clock,
                                                                        world, one_table):
    _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    clock.advance(minutes=11)
    with uow_factory() as uow:
        assert lapse_expired_holds(uow.session, clock) == 1
        assert lapse_expired_holds(uow.session, clock) == 0
        uow.commit()
    assert reread(session, one_table).open_taken == 0


def test_a_hold_is_released_when_the_caller_hangs_up(backend, session, uow_factory, clock,
                                                     world, one_table, next_caller):
    held = _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    with uow_factory() as uow:
        assert release_hold(uow, clock, hold_id=held.hold_id, actor=as_visitor(world.lead))
    assert reread(session, one_table).open_taken == 0
    prisoner, visitor = next_caller
    assert _hold(uow_factory, clock, one_table, prisoner, visitor).slot_id == one_table.id


def test_a_hold_is_released_only_once(backend, session, uow_factory, clock, world, one_table):
    held = _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    for expected in (True, False):
        with uow_factory() as uow:
            assert release_hold(uow, clock, hold_id=held.hold_id,
                                actor=as_visitor(world.lead)) is expected
    assert reread(session, one_table).open_taken == 0
    assert session.get(Hold, held.hold_id).status == RELEASED


def test_confirming_after_the_hold_expired_is_refused(backend, session, uow_factory, clock,
                                                      world, one_table):
    held = _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    clock.advance(minutes=10)
    refused = refusal(_confirm, uow_factory, clock, held, world.lead)
    assert refused.reason == "hold_expired"
    assert reread(session, one_table).open_taken == 0
    assert active_bookings(session, one_table) == 0


def test_confirming_a_released_hold_is_refused(backend, session, uow_factory, clock, world,
                                               one_table):
    held = _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    with uow_factory() as uow:
        release_hold(uow, clock, hold_id=held.hold_id, actor=as_visitor(world.lead))
    assert refusal(_confirm, uow_factory, clock, held, world.lead).reason == "hold_expired"


def test_confirming_in_time_books_the_held_table(backend, session, uow_factory, clock, world,
                                                 one_table):
    held = _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    clock.advance(minutes=9)
    booking = _confirm(uow_factory, clock, held, world.lead)
    assert booking.status == BOOKED
    assert reread(session, one_table).open_taken == 1  # the hold's table, not a second one
    assert session.scalar(select(Hold.status).where(Hold.id == held.hold_id)) == "confirmed"


def test_a_refusal_at_confirmation_releases_the_held_table(backend, session, uow_factory, clock,
                                                           world, one_table):
    held = _hold(uow_factory, clock, one_table, world.prisoner, world.lead)
    world.lead.banned_until = THU_10_DEC + timedelta(days=1)
    session.commit()
    assert refusal(_confirm, uow_factory, clock, held, world.lead).reason == "banned"
    assert reread(session, one_table).open_taken == 0
    assert session.get(Hold, held.hold_id).status == RELEASED
