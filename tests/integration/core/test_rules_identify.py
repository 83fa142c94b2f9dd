"""Phone identification: the caller's number finds the visitor; a PIN or date of birth confirms;
5 failures in 15 minutes lock phone self-service (staff can reset); unknown numbers cannot."""
from __future__ import annotations

from datetime import date

from core.identify import callers_for_number, confirm_caller, reset_lockout
from core.models import Visitor
from tests.support.factories import create_visitor

from .helpers import STAFF, audit_actions, refusal, reread

BORN = date(1988, 3, 2)     # world.lead's date of birth
WRONG_BORN = date(1988, 3, 3)


def _confirm(uow_factory, clock, hasher, phone="+447400123456", **factor) -> Visitor:
    with uow_factory() as uow:
        return confirm_caller(uow, clock, hasher, phone=phone, **factor)


def _fail(uow_factory, clock, hasher, times: int) -> None:
    for _ in range(times):
        refused = refusal(_confirm, uow_factory, clock, hasher, date_of_birth=WRONG_BORN)
        assert refused.reason == "identity_not_confirmed"


def test_the_callers_number_finds_the_visitor_however_it_is_written(backend, session, world):
    for written in ("+447400123456", "07400 123456", "+44 (0)7400-123456"):
        assert [v.id for v in callers_for_number(session, written)] == [world.lead.id]


def test_a_pin_confirms_the_caller(backend, uow_factory, clock, hasher, world):
    assert _confirm(uow_factory, clock, hasher, pin="4321").id == world.lead.id


def test_a_date_of_birth_confirms_the_caller(backend, uow_factory, clock, hasher, world):
    assert _confirm(uow_factory, clock, hasher, date_of_birth=BORN).id == world.lead.id


def test_a_wrong_pin_and_a_wrong_date_of_birth_get_the_same_answer(backend, uow_factory, clock,
                                                                   hasher, world):
    wrong_pin = refusal(_confirm, uow_factory, clock, hasher, pin="1234")
    wrong_born = refusal(_confirm, uow_factory, clock, hasher, date_of_birth=WRONG_BORN)
    assert (wrong_pin.reason, wrong_pin.params) == (wrong_born.reason, wrong_born.params)
    assert wrong_pin.message() == wrong_born.message() == \
        "Those details do not match our records."


def test_a_shared_number_confirms_whoever_the_date_of_birth_belongs_to(backend, session,
                                                                       uow_factory, clock,
                                                                       hasher, world):
    partner = create_visitor(session, first_name="Jess", date_of_birth=date(1991, 8, 8),
                             phone="+447400123456")
    session.commit()
    assert _confirm(uow_factory, clock, hasher, date_of_birth=date(1991, 8, 8)).id == partner.id


def test_5_failures_in_15_minutes_lock_phone_self_service(backend, session, uow_factory, clock,
                                                          hasher, world):
    _fail(uow_factory, clock, hasher, 4)
    clock.advance(minutes=14)
    _fail(uow_factory, clock, hasher, 1)
    refused = refusal(_confirm, uow_factory, clock, hasher, pin="4321")
    assert refused.reason == "self_service_locked"
    assert "Please speak to staff" in refused.message()
    assert audit_actions(session, "visitor", world.lead.id) == ["phone_locked"]


def test_4_failures_do_not_lock(backend, uow_factory, clock, hasher, world):
    _fail(uow_factory, clock, hasher, 4)
    assert _confirm(uow_factory, clock, hasher, pin="4321").id == world.lead.id


def test_failures_more_than_15_minutes_apart_do_not_lock(backend, uow_factory, clock, hasher,
                                                         world):
    _fail(uow_factory, clock, hasher, 4)
    clock.advance(minutes=16)
    _fail(uow_factory, clock, hasher, 1)
    assert _confirm(uow_factory, clock, hasher, date_of_birth=BORN).id == world.lead.id


def test_a_success_starts_the_failure_count_again(backend, uow_factory, clock, hasher, world):
    _fail(uow_factory, clock, hasher, 4)
    _confirm(uow_factory, clock, hasher, date_of_birth=BORN)
    _fail(uow_factory, clock, hasher, 4)
    assert _confirm(uow_factory, clock, hasher, date_of_birth=BORN).id == world.lead.id


def test_the_lock_ends_after_its_period(backend, uow_factory, clock, hasher, world):
    _fail(uow_factory, clock, hasher, 5)
    clock.advance(hours=1, seconds=1)
    assert _confirm(uow_factory, clock, hasher, date_of_birth=BORN).id == world.lead.id


def test_staff_can_reset_a_lockout(backend, session, uow_factory, clock, hasher, world):
    _fail(uow_factory, clock, hasher, 5)
    with uow_factory() as uow:
        reset_lockout(uow, clock, visitor_id=world.lead.id, actor=STAFF)
    assert reread(session, world.lead).phone_locked_until is None
    assert _confirm(uow_factory, clock, hasher, date_of_birth=BORN).id == world.lead.id
    assert audit_actions(session, "visitor", world.lead.id) == ["phone_locked", "lockout_reset"]


def test_an_unknown_number_cannot_be_identified(backend, uow_factory, clock, hasher, world):
    for phone in ("+447400999999", None, "not a number"):
        refused = refusal(_confirm, uow_factory, clock, hasher, phone=phone, pin="4321")
        assert refused.reason == "unknown_caller"
