"""Entitlement by incentive level: at each renewal a convicted prisoner's visiting orders come
back up to their prison's figure for their incentive level (never below the statutory minimum of
2 visits per 4 weeks), unless the prisoner has an allowance of their own. A change of level
takes effect at the next renewal."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core.entitlement import visiting_order_allowance
from core.models import Prison, Prisoner
from core.scheduling import renew_visiting_orders
from tests.support.factories import create_prisoner

from .helpers import reread

RENEWAL_DAY = date(2026, 12, 14)          # the world's prisoner renews on this day
ON_RENEWAL_DAY = datetime(2026, 12, 14, 9, 0, tzinfo=timezone.utc)
DAY_BEFORE = datetime(2026, 12, 13, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def leeds(session, world) -> Prison:
    """Leeds gives 2 visiting orders on basic, 3 on standard and 5 on enhanced."""
    world.prison.vo_allowance_basic = 2
    world.prison.vo_allowance_standard = 3
    world.prison.vo_allowance_enhanced = 5
    session.commit()
    return world.prison


def _renew(uow_factory, clock, when: datetime) -> int:
    clock.set(when)
    with uow_factory() as uow:
        return renew_visiting_orders(uow, clock)


def _prisoner_on(session, prison, level: str, **overrides) -> Prisoner:
    prisoner = create_prisoner(session, prison, incentive_level=level, vo_balance=0,
                               vo_renewal_date=RENEWAL_DAY, **overrides)
    session.commit()
    return prisoner


@pytest.mark.parametrize("level, orders", [("basic", 2), ("standard", 3), ("enhanced", 5)])
def test_a_prisoner_is_renewed_to_their_prisons_figure_for_their_incentive_level(
        backend, session, uow_factory, clock, leeds, level, orders):
    prisoner = _prisoner_on(session, leeds, level)

    assert _renew(uow_factory, clock, ON_RENEWAL_DAY) >= 1

    assert reread(session, prisoner).vo_balance == orders


def test_a_prisoners_own_allowance_overrides_their_incentive_level(backend, session,
                                                                   uow_factory, clock, leeds):
    prisoner = _prisoner_on(session, leeds, "enhanced", vo_allowance=3)

    _renew(uow_factory, clock, ON_RENEWAL_DAY)

    assert reread(session, prisoner).vo_balance == 3


def test_a_change_of_incentive_level_takes_effect_at_the_next_renewal(
        backend, session, uow_factory, clock, leeds):
    prisoner = _prisoner_on(session, leeds, "standard")
    prisoner.vo_balance, prisoner.incentive_level = 1, "enhanced"    # moved up mid-period
    session.commit()

    _renew(uow_factory, clock, DAY_BEFORE)
    assert reread(session, prisoner).vo_balance == 1      # no orders before the renewal day

    _renew(uow_factory, clock, ON_RENEWAL_DAY)
    assert reread(session, prisoner).vo_balance == 5


def test_a_prisoner_moved_down_a_level_keeps_the_orders_already_given(
        backend, session, uow_factory, clock, leeds):
    prisoner = _prisoner_on(session, leeds, "basic")
    prisoner.vo_balance = 5                                 # given while enhanced, unused
    session.commit()

    _renew(uow_factory, clock, ON_RENEWAL_DAY)

    renewed = reread(session, prisoner)
    assert (renewed.vo_balance, renewed.vo_renewal_date) == (5, date(2027, 1, 11))


def test_a_change_to_the_prisons_figures_applies_at_each_prisoners_next_renewal(
        backend, session, uow_factory, clock, leeds):
    prisoner = _prisoner_on(session, leeds, "standard")
    leeds.vo_allowance_standard = 4
    session.commit()

    assert reread(session, prisoner).vo_balance == 0
    _renew(uow_factory, clock, ON_RENEWAL_DAY)
    assert reread(session, prisoner).vo_balance == 4


def test_every_level_starts_at_the_statutory_minimum_until_the_prison_states_its_own(
        backend, session, world):
    prison = reread(session, world.prison)
    assert (prison.vo_allowance_basic, prison.vo_allowance_standard,
            prison.vo_allowance_enhanced) == (2, 2, 2)
    assert world.prisoner.vo_allowance is None
    assert visiting_order_allowance(reread(session, world.prisoner)) == 2


def test_a_released_prisoner_without_an_allowance_of_their_own_has_the_statutory_minimum(
        backend, session, leeds):
    released = _prisoner_on(session, None, "enhanced")
    assert visiting_order_allowance(released) == 2


@pytest.mark.parametrize("column", ["vo_allowance_basic", "vo_allowance_standard",
                                    "vo_allowance_enhanced"])
def test_a_prison_never_gives_fewer_than_the_statutory_minimum(backend, session, leeds, column):
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(Prison).where(Prison.id == leeds.id).values({column: 1}))


def test_a_prisoners_own_allowance_is_never_below_the_statutory_minimum(backend, session,
                                                                        world):
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(Prisoner).where(Prisoner.id == world.prisoner.id)
                        .values(vo_allowance=1))


def test_a_prisoner_is_on_a_known_incentive_level(backend, session, world):
    # Renewal looks the level up in the prison's figures: an unknown one is refused when stored.
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(Prisoner).where(Prisoner.id == world.prisoner.id)
                        .values(incentive_level="Enhanced"))
