"""After a prisoner moves, staff review each booked visit: keep it (it leaves the queue) or
cancel it with a reason (the visitor is texted and the place released)."""
from __future__ import annotations

import pytest

from core.cancel import cancel_booking
from core.models import CANCELLED
from core.movements import keep_reviewed_visit, prisoner_released, visits_to_review
from tests.support.factories import approve, create_prison, create_prisoner

from .helpers import (STAFF, THU_3_DEC, THU_10_DEC, audit_actions, book, messages, refusal,
                      reread, slot_on)


@pytest.fixture
def under_review(session, uow_factory, clock, world):
    """Two visits for a prisoner who is then released; another prisoner's visit stays as it is."""
    visits = [book(uow_factory, clock, slot=slot_on(session, world.prison, clock, day),
                   prisoner=world.prisoner, visitors=[world.lead])
              for day in (THU_10_DEC, THU_3_DEC)]
    with uow_factory() as uow:
        prisoner_released(uow, clock, prisoner_id=world.prisoner.id, actor=STAFF)
    return visits


def _queue(session, world):
    session.expire_all()
    return [b.id for b in visits_to_review(session, prison_id=world.prison.id)]


def _keep(uow_factory, clock, booking):
    with uow_factory() as uow:
        return keep_reviewed_visit(uow, clock, booking_id=booking.id, actor=STAFF)


def test_visits_to_review_are_a_prisons_visits_flagged_after_a_move_soonest_first(
        backend, session, world, under_review):
    later, sooner = under_review
    assert _queue(session, world) == [sooner.id, later.id]
    elsewhere = create_prison(session, code="WYI", name="HMP Wakefield")
    session.commit()
    assert visits_to_review(session, prison_id=elsewhere.id) == []


def test_a_visit_kept_after_review_leaves_the_queue_and_is_audited(backend, session,
                                                                   uow_factory, clock, world,
                                                                   under_review):
    later, sooner = under_review
    assert _keep(uow_factory, clock, sooner) is True
    assert _queue(session, world) == [later.id]
    assert reread(session, sooner).needs_review is False
    assert audit_actions(session, "booking", sooner.id)[-1] == "review_kept"


def test_keeping_a_visit_twice_changes_nothing_the_second_time(backend, session, uow_factory,
                                                               clock, under_review):
    _, sooner = under_review
    _keep(uow_factory, clock, sooner)
    assert _keep(uow_factory, clock, sooner) is False
    assert audit_actions(session, "booking", sooner.id).count("review_kept") == 1


def test_a_visit_cancelled_after_review_leaves_the_queue_and_the_visitor_is_texted(
        backend, session, uow_factory, clock, world, under_review):
    later, sooner = under_review
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=sooner.id, actor=STAFF,
                       reason="the prisoner has been released")
    assert _queue(session, world) == [later.id]
    cancelled = reread(session, sooner)
    assert cancelled.status == CANCELLED
    assert reread(session, cancelled.slot).open_taken == 0
    assert len(messages(session, booking_id=sooner.id, kind="cancellation")) == 1


def test_a_cancelled_visit_cannot_be_kept(backend, session, uow_factory, clock, under_review):
    _, sooner = under_review
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=sooner.id, actor=STAFF, reason="released")
    assert refusal(_keep, uow_factory, clock, sooner).reason == "review_visit_ended"


def test_a_visit_not_under_review_is_not_in_the_queue(backend, session, uow_factory, clock,
                                                      world):
    other = create_prisoner(session, world.prison, number="B2345CD")
    approve(session, other, world.lead, relationship="brother")
    session.commit()
    book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
         prisoner=other, visitors=[world.lead])
    assert _queue(session, world) == []
