"""core.feedback.record_feedback, as the phone and SMS channels use it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.feedback import record_feedback
from core.models import Feedback


@pytest.mark.parametrize("rating", [0, 6, -1, True, 2.5, "3"])
def test_a_rating_is_a_whole_number_from_1_to_5(uow_factory, clock, rating):
    with uow_factory() as uow, pytest.raises(ValueError):
        record_feedback(uow, clock, rating=rating, comment="", channel="phone")


def test_feedback_needs_a_rating_or_a_comment(uow_factory, clock):
    with uow_factory() as uow, pytest.raises(ValueError):
        record_feedback(uow, clock, rating=None, comment="   ", channel="sms")


def test_feedback_on_a_booking_is_filed_under_its_prison(uow_factory, clock, session, world):
    with uow_factory() as uow:
        record_feedback(uow, clock, rating=None, comment=" Quick and easy ", channel="sms",
                        visitor_id=world.lead.id, booking_id=world.booking.id)
    with uow_factory() as uow:
        record_feedback(uow, clock, rating=5, comment="", channel="phone",
                        prison_id=world.prison.id)
    saved = list(session.scalars(select(Feedback).order_by(Feedback.id)))
    assert [(f.rating, f.comment, f.channel, f.prison_id) for f in saved] == [
        (None, "Quick and easy", "sms", world.prison.id), (5, "", "phone", world.prison.id)]
    assert saved[0].created_at == clock.now()
