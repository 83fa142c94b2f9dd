"""Entitlement: a convicted prisoner's social visit uses a visiting order; a remand prisoner has
at most 3 social visits a week and uses none; professional visits use neither."""
from __future__ import annotations

from datetime import date

from core.cancel import cancel_booking
from core.models import REMAND
from tests.support.factories import approve, create_visitor

from .helpers import THU_3_DEC, THU_10_DEC, as_visitor, book, booking_refused, reread, slot_on

MON_7_DEC = date(2026, 12, 7)
WEEK_OF_7_DEC = [date(2026, 12, 7 + n) for n in range(7)]


def test_a_convicted_prisoners_social_visit_uses_one_visiting_order(backend, session,
                                                                    uow_factory, clock, world):
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert booking.uses_vo is True
    assert reread(session, world.prisoner).vo_balance == 1


def test_no_visiting_order_left_is_refused_with_the_date_the_next_is_due(backend, session,
                                                                         uow_factory, clock,
                                                                         world):
    world.prisoner.vo_balance = 0
    session.commit()
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "no_vo_left"
    assert refused.params == {"next_due": date(2026, 12, 14)}
    assert refused.message() == ("The prisoner has no visiting orders left. "
                                 "The next one is due on Monday 14 December.")
    assert "dydd Llun 14 Rhagfyr" in refused.message("cy")


def test_the_last_visiting_order_is_used_once(backend, session, uow_factory, clock, world):
    world.prisoner.vo_balance = 1
    session.commit()
    book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
         prisoner=world.prisoner, visitors=[world.lead])
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "no_vo_left"
    assert reread(session, world.prisoner).vo_balance == 0


def test_a_remand_prisoner_uses_no_visiting_order(backend, session, uow_factory, clock, world):
    world.prisoner.legal_status = REMAND
    world.prisoner.vo_balance = 0
    session.commit()
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert (booking.status, booking.uses_vo) == ("booked", False)
    assert reread(session, world.prisoner).vo_balance == 0


def test_a_remand_prisoner_has_at_most_3_social_visits_a_week(backend, session, uow_factory,
                                                              clock, world):
    world.prisoner.legal_status = REMAND
    session.commit()
    for day in WEEK_OF_7_DEC[:3]:
        book(uow_factory, clock, slot=slot_on(session, world.prison, clock, day),
             prisoner=world.prisoner, visitors=[world.lead])
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, WEEK_OF_7_DEC[6]),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "remand_weekly_limit"
    assert refused.params == {"limit": 3}
    next_monday = slot_on(session, world.prison, clock, date(2026, 12, 14))
    assert book(uow_factory, clock, slot=next_monday, prisoner=world.prisoner,
                visitors=[world.lead]).status == "booked"


def test_a_cancelled_visit_does_not_count_towards_the_remand_limit(backend, session,
                                                                   uow_factory, clock, world):
    world.prisoner.legal_status = REMAND
    session.commit()
    made = [book(uow_factory, clock, slot=slot_on(session, world.prison, clock, day),
                 prisoner=world.prisoner, visitors=[world.lead]) for day in WEEK_OF_7_DEC[:3]]
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=made[0].id, actor=as_visitor(world.lead))
    assert book(uow_factory, clock, slot=slot_on(session, world.prison, clock, WEEK_OF_7_DEC[6]),
                prisoner=world.prisoner, visitors=[world.lead]).status == "booked"


def test_the_remand_weekly_limit_is_set_per_prison(backend, session, uow_factory, clock, world):
    world.prisoner.legal_status = REMAND
    world.prison.remand_visits_per_week = 1
    session.commit()
    book(uow_factory, clock, slot=slot_on(session, world.prison, clock, MON_7_DEC),
         prisoner=world.prisoner, visitors=[world.lead])
    refused = booking_refused(uow_factory, clock,
                              slot=slot_on(session, world.prison, clock, THU_10_DEC),
                              prisoner=world.prisoner, visitors=[world.lead])
    assert refused.reason == "remand_weekly_limit"
    assert refused.params == {"limit": 1}


def test_professional_visits_use_no_visiting_order(backend, session, uow_factory, clock, world):
    world.prisoner.vo_balance = 0
    session.commit()
    booking = book(uow_factory, clock,
                   slot=slot_on(session, world.prison, clock, THU_10_DEC, kind="professional"),
                   prisoner=world.prisoner, visitors=[world.solicitor])
    assert (booking.status, booking.uses_vo) == ("booked", False)
    assert reread(session, world.prisoner).vo_balance == 0


def test_professional_visits_do_not_count_towards_the_remand_limit(backend, session,
                                                                   uow_factory, clock, world):
    world.prisoner.legal_status = REMAND
    world.prison.remand_visits_per_week = 1
    session.commit()
    book(uow_factory, clock,
         slot=slot_on(session, world.prison, clock, THU_10_DEC, kind="professional"),
         prisoner=world.prisoner, visitors=[world.solicitor])
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, MON_7_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert booking.status == "booked"


def test_a_professional_visit_is_not_stopped_by_the_remand_limit(backend, session, uow_factory,
                                                                 clock, world):
    world.prisoner.legal_status = REMAND
    world.prison.remand_visits_per_week = 1
    probation = create_visitor(session, first_name="Pat", professional_role="probation")
    approve(session, world.prisoner, probation, relationship="probation officer")
    session.commit()
    book(uow_factory, clock, slot=slot_on(session, world.prison, clock, MON_7_DEC),
         prisoner=world.prisoner, visitors=[world.lead])
    booking = book(uow_factory, clock,
                   slot=slot_on(session, world.prison, clock, THU_10_DEC, kind="professional"),
                   prisoner=world.prisoner, visitors=[probation])
    assert booking.status == "booked"
