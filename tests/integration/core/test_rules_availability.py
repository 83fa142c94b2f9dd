"""Availability: the soonest dates first, or a date the caller asks for; never a full or closed
session, nor a date before a visitor's ban ends."""
from __future__ import annotations

from datetime import date

from core.availability import available_slots
from core.holds import hold_table
from core.models import Closure

from .helpers import (LAST_DAY, THU_3_DEC, THU_10_DEC, as_visitor, refusal, slot_on)


def _offers(uow_factory, clock, world, visitors=None, **options):
    with uow_factory() as uow:
        offers = available_slots(uow.session, clock, prisoner_id=world.prisoner.id,
                                 visitor_ids=[v.id for v in visitors or [world.lead]], **options)
        uow.commit()
    return offers


def test_availability_offers_the_soonest_dates_first(backend, uow_factory, clock, world):
    offers = _offers(uow_factory, clock, world)
    days = [offer.date for offer in offers]
    assert days[0] == THU_3_DEC and days[-1] == LAST_DAY
    assert days == sorted(days) and len(days) == len(set(days)) == 27


def test_availability_can_be_limited_to_the_first_few(backend, uow_factory, clock, world):
    offers = _offers(uow_factory, clock, world, limit=3)
    assert [o.date.day for o in offers] == [3, 4, 5]


def test_availability_on_a_given_date(backend, uow_factory, clock, world):
    [offer] = _offers(uow_factory, clock, world, on_date=THU_10_DEC)
    assert (offer.date, offer.starts_at.hour, offer.free_tables, offer.closed) == \
        (THU_10_DEC, 14, 20, False)


def test_availability_on_a_date_outside_the_window_says_when_visits_can_be_booked(
        backend, uow_factory, clock, world):
    refused = refusal(_offers, uow_factory, clock, world, on_date=date(2026, 12, 2))
    assert refused.reason == "outside_window"


def test_availability_excludes_full_sessions(backend, session, uow_factory, clock, world):
    slot = slot_on(session, world.prison, clock, THU_3_DEC)
    slot.open_taken = slot.open_tables
    session.commit()
    assert _offers(uow_factory, clock, world)[0].date == date(2026, 12, 4)
    assert _offers(uow_factory, clock, world, on_date=THU_3_DEC) == []


def test_availability_counts_a_lapsed_hold_as_free(backend, session, uow_factory, clock, world):
    slot = slot_on(session, world.prison, clock, THU_3_DEC)
    slot.open_tables = 1
    session.commit()
    with uow_factory() as uow:
        hold_table(uow, clock, slot_id=slot.id, prisoner_id=world.prisoner.id,
                   visitor_ids=[world.lead.id], actor=as_visitor(world.lead))
    assert _offers(uow_factory, clock, world, on_date=THU_3_DEC) == []
    clock.advance(minutes=10)
    [offer] = _offers(uow_factory, clock, world, on_date=THU_3_DEC)
    assert offer.free_tables == 1


def test_availability_excludes_closed_sessions(backend, session, uow_factory, clock, world):
    session.add(Closure(prison_id=world.prison.id, first_date=THU_3_DEC,
                        last_date=date(2026, 12, 6), reason="lockdown"))
    session.commit()
    offers = _offers(uow_factory, clock, world)
    assert offers[0].date == date(2026, 12, 7)
    assert _offers(uow_factory, clock, world, on_date=date(2026, 12, 5)) == []


def test_availability_excludes_dates_before_a_ban_ends(backend, session, uow_factory, clock,
                                                       world):
    world.lead.banned_until = THU_10_DEC
    session.commit()
    assert _offers(uow_factory, clock, world)[0].date == THU_10_DEC


def test_availability_on_a_date_before_a_ban_ends_says_why(backend, session, uow_factory, clock,
                                                           world):
    world.lead.banned_until = THU_10_DEC
    session.commit()
    refused = refusal(_offers, uow_factory, clock, world, on_date=date(2026, 12, 9))
    assert (refused.reason, refused.params["until"]) == ("banned", THU_10_DEC)


def test_availability_for_an_indefinitely_banned_visitor_is_refused(backend, session,
                                                                    uow_factory, clock, world):
    world.lead.banned_until = date(9999, 12, 31)
    session.commit()
    assert refusal(_offers, uow_factory, clock, world).reason == "banned_indefinitely"


def test_availability_with_no_visiting_order_left_is_refused(backend, session, uow_factory,
                                                             clock, world):
    world.prisoner.vo_balance = 0
    session.commit()
    assert refusal(_offers, uow_factory, clock, world).reason == "no_vo_left"


def test_availability_offers_only_closed_tables_under_a_closed_restriction(
        backend, session, uow_factory, clock, world):
    world.prisoner.closed_visits_only = True
    session.commit()
    [offer] = _offers(uow_factory, clock, world, on_date=THU_10_DEC)
    assert (offer.closed, offer.free_tables) == (True, 2)


def test_availability_offers_professionals_only_professional_sessions(backend, uow_factory,
                                                                      clock, world):
    offers = _offers(uow_factory, clock, world, visitors=[world.solicitor])
    assert [o.date for o in offers] == [THU_3_DEC, THU_10_DEC, date(2026, 12, 17),
                                        date(2026, 12, 24)]
    assert all(o.starts_at.hour == 9 for o in offers)


def test_availability_says_when_a_booking_will_be_a_request(backend, session, uow_factory, clock,
                                                            world):
    world.lead.restriction_under_review = True
    session.commit()
    [offer] = _offers(uow_factory, clock, world, on_date=THU_10_DEC)
    assert offer.request_reason == "restriction under review"


def test_availability_for_a_prisoner_or_party_that_cannot_be_found_is_refused(
        backend, session, uow_factory, clock, world):
    def asked(prisoner_id, visitor_ids):
        with uow_factory() as uow:
            return available_slots(uow.session, clock, prisoner_id=prisoner_id,
                                   visitor_ids=visitor_ids)

    lead = world.lead.id
    assert refusal(asked, 999_999, [lead]).reason == "prisoner_not_found"
    assert refusal(asked, 999_999, []).reason == "prisoner_not_found"
    assert refusal(asked, world.prisoner.id, []).reason == "no_adult"
    assert refusal(asked, world.prisoner.id, [lead, lead]).reason == "no_adult"
    unknown = refusal(asked, world.prisoner.id, [lead, 999_999])
    assert (unknown.reason, unknown.params) == ("not_approved", {"name": "visitor 999999"})
    world.prisoner.prison_id = None     # released
    session.commit()
    assert refusal(asked, world.prisoner.id, [lead]).reason == "prisoner_not_here"
