"""The order of checks, as in the current service: the first failing check is the reason given.

Each test breaks every rule at once, then mends them one at a time: each attempt must be refused
for the first rule still broken, and the last attempt books.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from core.cancel import cancel_booking
from core.models import REMAND
from tests.support.factories import (approve, create_prison, create_prisoner, create_visitor,
                                     non_associate)

from .helpers import STAFF, THU_10_DEC, book, booking_refused, slot_on


@dataclass
class Rung:
    reason: str
    mend: object    # a callable that makes this rule pass


def _climb(session, uow_factory, clock, *, slot, prisoner, party, rungs):
    session.commit()
    seen = []
    for rung in rungs:
        refused = booking_refused(uow_factory, clock, slot=slot, prisoner=prisoner,
                                  visitors=party)
        seen.append(refused.reason)
        rung.mend()
        session.commit()
    booking = book(uow_factory, clock, slot=slot, prisoner=prisoner, visitors=party)
    assert seen == [rung.reason for rung in rungs]
    assert booking.status == "booked"


def _cancel(uow_factory, clock, booking):
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=booking.id, actor=STAFF, reason="test")


def _adult(session, prisoner, name):
    visitor = create_visitor(session, first_name=name)
    approve(session, prisoner, visitor, relationship="friend")
    return visitor


def test_the_first_failing_check_is_the_reason_given(backend, session, uow_factory, clock,
                                                     world):
    prisoner, lead, slot = world.prisoner, world.lead, slot_on(session, world.prison, clock,
                                                               THU_10_DEC)
    # Visits already in the session: the prisoner's own, a non-associate's, and one the lead
    # makes with another prisoner. The non-association is recorded after they were booked.
    own = book(uow_factory, clock, slot=slot, prisoner=prisoner,
               visitors=[_adult(session, prisoner, "Sib")])
    enemy = create_prisoner(session, world.prison, number="H8888IJ")
    enemies = book(uow_factory, clock, slot=slot, prisoner=enemy,
                   visitors=[_adult(session, enemy, "Foe")])
    brother = create_prisoner(session, world.prison, number="J9999KL")
    approve(session, brother, lead, relationship="sister")
    leads_other = book(uow_factory, clock, slot=slot, prisoner=brother, visitors=[lead])
    non_associate(session, prisoner, enemy)
    stranger = create_visitor(session, first_name="Stranger")
    party = [world.child, lead, stranger]   # a child leads; 3 people
    elsewhere = create_prison(session, code="WYI", name="HMP Wakefield")

    prisoner.prison_id = elsewhere.id
    clock.set(datetime(2026, 12, 9, 10, tzinfo=timezone.utc))
    slot.closed_reason = "lockdown"
    world.prison.table_max_people = 1       # 3 people would need 3 tables
    lead.banned_until = date(2026, 12, 11)
    prisoner.closed_visits_only, slot.closed_tables = True, 0

    def set_(obj, **values):
        return lambda: [setattr(obj, k, v) for k, v in values.items()]

    def adult_leads():
        party[:2] = [lead, world.child]

    def cancel_own_visit():
        _cancel(uow_factory, clock, own)
        prisoner.vo_balance = 0  # the cancel gave its visiting order back

    def cancel_leads_other_visit():
        _cancel(uow_factory, clock, leads_other)
        slot.open_tables = 0     # every visit cancelled, nothing taken: and no table to take

    _climb(session, uow_factory, clock, slot=slot, prisoner=prisoner, party=party, rungs=[
        Rung("prisoner_not_here", set_(prisoner, prison_id=world.prison.id)),
        Rung("outside_window", lambda: clock.set(datetime(2026, 12, 1, 10, tzinfo=timezone.utc))),
        Rung("session_closed", set_(slot, closed_reason=None)),
        Rung("no_adult", adult_leads),
        Rung("party_too_large", set_(world.prison, table_max_people=6)),
        Rung("not_approved", lambda: party.remove(stranger)),
        Rung("banned", set_(lead, banned_until=None)),
        Rung("closed_visits_only", set_(prisoner, closed_visits_only=False)),
        Rung("non_association", lambda: _cancel(uow_factory, clock, enemies)),
        Rung("prisoner_already_booked", cancel_own_visit),
        Rung("visitor_already_booked", cancel_leads_other_visit),
        Rung("no_vo_left", set_(prisoner, vo_balance=1)),
        Rung("slot_full", set_(slot, open_tables=20)),
    ])


def test_double_booking_comes_before_the_remand_limit_and_the_limit_before_capacity(
        backend, session, uow_factory, clock, world):
    prisoner, prison = world.prisoner, world.prison
    prisoner.legal_status = REMAND
    slot = slot_on(session, prison, clock, THU_10_DEC)
    for day in (date(2026, 12, 7), date(2026, 12, 8)):
        book(uow_factory, clock, slot=slot_on(session, prison, clock, day), prisoner=prisoner,
             visitors=[world.lead])
    same_session = book(uow_factory, clock, slot=slot, prisoner=prisoner,
                        visitors=[_adult(session, prisoner, "Sib")])
    prison.remand_visits_per_week = 2

    def cancel_same_session():
        _cancel(uow_factory, clock, same_session)
        slot.open_tables = 0

    def raise_limit():
        prison.remand_visits_per_week = 3

    def make_room():
        slot.open_tables = 20

    _climb(session, uow_factory, clock, slot=slot, prisoner=prisoner, party=[world.lead], rungs=[
        Rung("prisoner_already_booked", cancel_same_session),
        Rung("remand_weekly_limit", raise_limit),
        Rung("slot_full", make_room),
    ])
