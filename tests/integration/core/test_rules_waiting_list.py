"""The waiting list: a visitor joins a full session (every rule but capacity checked); a place
released by a cancellation or a rejected request is offered by text to the first waiting whose
party fits, held 30 minutes; BOOK books it with every rule checked again; NO, a refusal or no
answer in time passes it to the next."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.cancel import cancel_booking
from core.capacity import take_tables
from core.holds import hold_table
from core.models import BOOKED, HELD, Booking, Hold, Prisoner, Visitor, VisitSlot
from core.requests import reject_request
from core.waiting_list import (accept_offer, decline_offer, expire_offers, join_waiting_list,
                               offer_free_places)
from tests.support.factories import approve, create_prisoner, create_visitor

from .helpers import (STAFF, THU_10_DEC, as_visitor, audit_actions, book, booking_refused,
                      messages, refusal, reread, slot_on)


@dataclass
class Full:
    slot: VisitSlot
    booking: Booking
    waiting: list[tuple[Prisoner, Visitor]]   # two more prisoners, each with an approved visitor


@pytest.fixture
def full(session, uow_factory, clock, world) -> Full:
    """A session with one open table, taken by the world's booking; two families could wait."""
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    slot.open_tables = 1
    session.commit()
    booking = book(uow_factory, clock, slot=slot, prisoner=world.prisoner, visitors=[world.lead])
    waiting = []
    for n, number in enumerate(("B1111BB", "C2222CC")):
        prisoner = create_prisoner(session, world.prison, number=number)
        visitor = create_visitor(session, first_name=f"Wait{n}", phone=f"+4474001111{n}0")
        approve(session, prisoner, visitor)
        waiting.append((prisoner, visitor))
    session.commit()
    return Full(slot, booking, waiting)


def _join(uow_factory, clock, slot, prisoner, visitor):
    with uow_factory() as uow:
        return join_waiting_list(uow, clock, slot_id=slot.id, prisoner_id=prisoner.id,
                                 visitor_ids=[visitor.id], actor=as_visitor(visitor))


def _join_both(uow_factory, clock, full):
    return [_join(uow_factory, clock, full.slot, p, v) for p, v in full.waiting]


def _cancel(uow_factory, clock, booking, world):
    with uow_factory() as uow:
        return cancel_booking(uow, clock, booking_id=booking.id, actor=as_visitor(world.lead))


def _accept(uow_factory, clock, visitor):
    with uow_factory() as uow:
        return accept_offer(uow, clock, phone=visitor.phone)


def _decline(uow_factory, clock, visitor):
    with uow_factory() as uow:
        return decline_offer(uow, clock, phone=visitor.phone)


def _expire(uow_factory, clock):
    with uow_factory() as uow:
        return expire_offers(uow, clock)


def _statuses(session, entries):
    return [reread(session, e).status for e in entries]


def test_a_visitor_can_join_the_waiting_list_for_a_full_session(backend, session, uow_factory,
                                                               clock, world, full):
    prisoner, visitor = full.waiting[0]
    assert booking_refused(uow_factory, clock, slot=full.slot, prisoner=prisoner,
                           visitors=[visitor]).reason == "slot_full"
    entry = _join(uow_factory, clock, full.slot, prisoner, visitor)
    assert reread(session, entry).status == "waiting"
    [text] = messages(session, kind="waiting_joined", visitor_id=visitor.id)
    assert text.body.startswith("On the waiting list: HMP Leeds, Thursday 10 December 14:00.")
    assert audit_actions(session, "waiting_list", entry.id) == ["joined"]


def test_joining_the_waiting_list_twice_keeps_one_entry(backend, session, uow_factory, clock,
                                                        full):
    prisoner, visitor = full.waiting[0]
    first = _join(uow_factory, clock, full.slot, prisoner, visitor)
    again = _join(uow_factory, clock, full.slot, prisoner, visitor)
    assert again.id == first.id
    assert len(messages(session, kind="waiting_joined")) == 1


def test_joining_the_waiting_list_checks_every_rule_but_capacity(backend, session, uow_factory,
                                                                 clock, world, full):
    prisoner, _ = full.waiting[0]
    stranger = create_visitor(session, first_name="Kim")
    session.commit()
    refused = refusal(_join, uow_factory, clock, full.slot, prisoner, stranger)
    assert refused.reason == "not_approved"
    prisoner.vo_balance = 0
    session.commit()
    refused = refusal(_join, uow_factory, clock, full.slot, prisoner, full.waiting[0][1])
    assert refused.reason == "no_vo_left"


def test_a_cancelled_place_is_offered_to_the_first_waiting_and_held_for_them(
        backend, session, uow_factory, clock, world, full, notifier):
    first, second = _join_both(uow_factory, clock, full)
    _cancel(uow_factory, clock, full.booking, world)
    assert _statuses(session, [first, second]) == ["offered", "waiting"]
    entry = reread(session, first)
    hold = session.get(Hold, entry.hold_id)
    assert (hold.status, hold.expires_at) == (HELD, clock.now() + timedelta(minutes=30))
    [offer] = messages(session, kind="offer")
    assert offer.visitor_id == full.waiting[0][1].id and offer.status == "pending"
    assert offer.body.endswith("Held till 10:30. Reply BOOK or NO")
    assert offer.id in notifier.ready
    # Nobody else can take the place while it is held.
    assert booking_refused(uow_factory, clock, slot=full.slot, prisoner=world.prisoner,
                           visitors=[world.lead]).reason == "slot_full"


def test_a_welsh_speaker_is_offered_the_place_in_welsh(backend, session, uow_factory, clock,
                                                       world, full):
    full.waiting[0][1].language = "cy"
    session.commit()
    _join(uow_factory, clock, full.slot, *full.waiting[0])
    _cancel(uow_factory, clock, full.booking, world)
    [offer] = messages(session, kind="offer")
    assert offer.body == ("Lle ar gael: HMP Leeds, dydd Iau 10 Rhagfyr 14:00. Ar gadw tan "
                          "10:30. Atebwch BOOK neu NO.")


def test_a_waiting_party_that_cannot_book_now_is_passed_over(backend, session, uow_factory,
                                                             clock, world, full):
    first, second = _join_both(uow_factory, clock, full)
    full.waiting[0][0].vo_balance = 0      # the first family's prisoner has no VO left now
    session.commit()
    _cancel(uow_factory, clock, full.booking, world)
    assert _statuses(session, [first, second]) == ["waiting", "offered"]


def test_book_takes_the_offered_place_with_every_rule_checked_again(backend, session,
                                                                   uow_factory, clock, world,
                                                                   full):
    first, _ = _join_both(uow_factory, clock, full)
    _cancel(uow_factory, clock, full.booking, world)
    booking = _accept(uow_factory, clock, full.waiting[0][1])
    assert reread(session, booking).status == BOOKED
    entry = reread(session, first)
    assert (entry.status, entry.booking_id) == ("booked", booking.id)
    assert [m.kind for m in messages(session, booking_id=booking.id)] == [
        "confirmation", "reminder", "reminder"]
    assert reread(session, full.waiting[0][0]).vo_balance == 1


def test_a_refused_book_passes_the_place_to_the_next(backend, session, uow_factory, clock, world,
                                                     full):
    first, second = _join_both(uow_factory, clock, full)
    _cancel(uow_factory, clock, full.booking, world)
    full.waiting[0][1].banned_until = THU_10_DEC + timedelta(days=1)
    session.commit()
    refused = refusal(_accept, uow_factory, clock, full.waiting[0][1])
    assert refused.reason == "banned"
    assert _statuses(session, [first, second]) == ["refused", "offered"]


def test_no_passes_the_place_to_the_next(backend, session, uow_factory, clock, world, full):
    first, second = _join_both(uow_factory, clock, full)
    _cancel(uow_factory, clock, full.booking, world)
    _decline(uow_factory, clock, full.waiting[0][1])
    assert _statuses(session, [first, second]) == ["declined", "offered"]
    assert session.get(Hold, reread(session, first).hold_id).status == "released"
    assert reread(session, full.slot).open_taken == 1       # the next visitor's hold


def test_an_unanswered_offer_expires_and_passes_to_the_next(backend, session, uow_factory,
                                                            clock, world, full):
    first, second = _join_both(uow_factory, clock, full)
    _cancel(uow_factory, clock, full.booking, world)
    clock.advance(minutes=29)
    assert _expire(uow_factory, clock) == 0
    clock.advance(minutes=1)
    assert _expire(uow_factory, clock) == 1
    assert _expire(uow_factory, clock) == 0                 # safe to run twice
    assert _statuses(session, [first, second]) == ["expired", "offered"]
    assert reread(session, full.slot).open_taken == 1


def test_the_last_unanswered_offer_frees_the_place_for_anyone(backend, session, uow_factory,
                                                              clock, world, full):
    _join(uow_factory, clock, full.slot, *full.waiting[0])
    _cancel(uow_factory, clock, full.booking, world)
    clock.advance(minutes=30)
    _expire(uow_factory, clock)
    assert reread(session, full.slot).open_taken == 0


def test_book_after_the_offer_ran_out_is_refused_and_passes_on(backend, session, uow_factory,
                                                               clock, world, full):
    first, second = _join_both(uow_factory, clock, full)
    _cancel(uow_factory, clock, full.booking, world)
    clock.advance(minutes=31)
    assert refusal(_accept, uow_factory, clock, full.waiting[0][1]).reason == "offer_expired"
    assert _statuses(session, [first, second]) == ["expired", "offered"]


def test_book_with_no_offer_open_is_refused(backend, session, uow_factory, clock, full):
    _join(uow_factory, clock, full.slot, *full.waiting[0])
    assert refusal(_accept, uow_factory, clock, full.waiting[0][1]).reason == "no_offer"
    assert refusal(_decline, uow_factory, clock, full.waiting[0][1]).reason == "no_offer"


def test_a_rejected_request_offers_its_place(backend, session, uow_factory, clock, world, full):
    world.lead.public_protection_flag = True
    session.commit()
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=full.booking.id, actor=STAFF)
    request = book(uow_factory, clock, slot=full.slot, prisoner=world.prisoner,
                   visitors=[world.lead])
    first = _join(uow_factory, clock, full.slot, *full.waiting[0])
    with uow_factory() as uow:
        reject_request(uow, clock, booking_id=request.id, actor=STAFF, reason="checks")
    assert reread(session, first).status == "offered"


def test_a_lapsed_phone_hold_is_offered_to_those_waiting(backend, session, uow_factory, clock,
                                                         world, full):
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=full.booking.id, actor=STAFF)
    with uow_factory() as uow:
        hold_table(uow, clock, slot_id=full.slot.id, prisoner_id=world.prisoner.id,
                   visitor_ids=[world.lead.id], actor=as_visitor(world.lead))
    first = _join(uow_factory, clock, full.slot, *full.waiting[0])
    assert reread(session, first).status == "waiting"
    clock.advance(minutes=10)
    with uow_factory() as uow:
        assert offer_free_places(uow, clock) == 1
    assert reread(session, first).status == "offered"


def test_joining_when_a_place_is_free_offers_it_at_once(backend, session, uow_factory, clock,
                                                        world, full):
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=full.booking.id, actor=STAFF)
    entry = _join(uow_factory, clock, full.slot, *full.waiting[0])
    assert reread(session, entry).status == "offered"


def test_a_place_is_never_offered_beyond_capacity(backend, session, uow_factory, clock, world,
                                                  full):
    _join_both(uow_factory, clock, full)
    _cancel(uow_factory, clock, full.booking, world)
    with uow_factory() as uow:
        assert not take_tables(uow.session, full.slot.id, 1, False)
    assert reread(session, full.slot).open_taken == 1
    held = session.scalars(select(Hold).where(Hold.slot_id == full.slot.id,
                                              Hold.status == HELD)).all()
    assert len(held) == 1
