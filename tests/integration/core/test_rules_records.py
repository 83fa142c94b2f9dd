"""Records kept: an append-only audit log, bookings never deleted, found by a checked reference."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import record
from core.cancel import cancel_booking
from core.find import find_booking_by_reference
from core.models import AuditEvent, Booking
from core.reference import check_digit
from core.requests import reject_request
from tests.support.factories import approve, create_visitor

from .helpers import (STAFF, THU_3_DEC, THU_10_DEC, as_visitor, audit_actions, book, refusal,
                      slot_on)


@pytest.fixture
def booking(session, uow_factory, clock, world):
    return book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                prisoner=world.prisoner, visitors=[world.lead])


def test_updating_an_audit_event_raises(backend, session, booking):
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "booking")).one()
    event.action = "nothing happened"
    with pytest.raises(ValueError, match="append-only"):
        session.flush()


def test_deleting_an_audit_event_raises(backend, session, booking):
    session.delete(session.scalars(select(AuditEvent).where(AuditEvent.entity == "booking")).one())
    with pytest.raises(ValueError, match="append-only"):
        session.flush()


def test_a_booking_is_audited_with_who_which_channel_when_and_what(backend, session, clock,
                                                                   world, booking):
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "booking",
                                                     AuditEvent.entity_id == booking.id)).one()
    assert (event.action, event.actor, event.channel, event.at) == \
        ("booked", f"visitor:{world.lead.id}", "phone", clock.now())
    assert event.after["reference"] == booking.reference
    assert event.after["status"] == "booked"
    assert audit_actions(session, "slot", booking.slot_id) == ["table_held"]


def test_audit_records_never_hold_a_pin_hash(backend, session, clock, world):
    record(session, clock, STAFF, "visitor", world.lead.id, "edited",
           before={"pin_hash": "secret", "first_name": "Sam"}, after={"first_name": "Sam"})
    session.flush()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "edited")).one()
    assert event.before == {"first_name": "Sam"}


def test_bookings_are_never_deleted_only_ended(backend, session, uow_factory, clock, world,
                                               booking):
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=booking.id, actor=as_visitor(world.lead))
    flagged = create_visitor(session, first_name="Cal", public_protection_flag=True)
    approve(session, world.prisoner, flagged)
    session.commit()
    request = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
                   prisoner=world.prisoner, visitors=[flagged])
    with uow_factory() as uow:
        reject_request(uow, clock, booking_id=request.id, actor=STAFF, reason="no")
    session.expire_all()
    assert sorted(session.execute(select(Booking.id, Booking.status)).all()) == \
        [(booking.id, "cancelled"), (request.id, "rejected")]


def test_deleting_a_booking_raises(backend, session, booking):
    session.delete(session.get(Booking, booking.id))
    with pytest.raises(ValueError, match="never deleted"):
        session.flush()


@pytest.mark.parametrize("typed", ["{ref}", "{a} {b} {c}", "{a}-{b}-{c}", " {ref} "])
def test_a_booking_is_found_by_its_reference_however_it_is_keyed(backend, session, booking,
                                                                 typed):
    ref = booking.reference
    keyed = typed.format(ref=ref, a=ref[:3], b=ref[3:6], c=ref[6:])
    assert find_booking_by_reference(session, keyed).id == booking.id


def test_a_mistyped_reference_is_caught_by_its_check_digit(backend, session, booking):
    ref = booking.reference
    typo = ref[:4] + str((int(ref[4]) + 1) % 10) + ref[5:]
    refused = refusal(find_booking_by_reference, session, typo)
    assert refused.reason == "invalid_reference"


def test_a_swapped_pair_of_digits_is_caught_by_the_check_digit(backend, session, booking):
    ref = booking.reference
    position = next(i for i in range(8) if ref[i] != ref[i + 1])
    swapped = ref[:position] + ref[position + 1] + ref[position] + ref[position + 2:]
    assert refusal(find_booking_by_reference, session, swapped).reason == "invalid_reference"


def test_a_valid_reference_for_no_booking_is_not_found(backend, session, booking):
    body = "12345678" if booking.reference[:8] != "12345678" else "87654321"
    refused = refusal(find_booking_by_reference, session, body + check_digit(body))
    assert refused.reason == "booking_not_found"
