"""The demo (config/demo.py): three prisons, one Welsh; what it prints is true of what it loads;
its visitors can book what the guide says they can."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from config.container import build
from config.db import make_engine
from config.demo import CALLERS, seed_demo
from config.settings import from_environment
from core.availability import available_slots
from core.clock import local_today
from core.errors import Refused
from core.models import Base, Prison, Prisoner, Visitor, VisitSlot


@pytest.fixture
def demo(databases, backend, clock, tmp_path):
    """A container over a fresh migrated database, with the demo seeded once."""
    url = databases.fresh_url(backend)
    settings = from_environment({"DATABASE_URL": url, "VISITLINE_ENV": "test"}, instance=tmp_path)
    container = build(settings, clock=clock, engine=make_engine(url))
    container.guide = seed_demo(container)
    yield container
    container.engine.dispose()


def visitor(session, name: str) -> Visitor:
    first, last = name.split()
    return session.scalar(select(Visitor).where(Visitor.first_name == first,
                                                Visitor.last_name == last))


def prisoner(session, number: str) -> Prisoner:
    return session.scalar(select(Prisoner).where(Prisoner.number == number))


def party(session, *names: str) -> list[int]:
    return [visitor(session, name).id for name in names]


def test_the_demo_has_three_prisons_one_welsh_with_its_own_adult_age(demo):
    with demo.session() as session:
        prisons = {p.code: p for p in session.scalars(select(Prison))}
    assert len(prisons) >= 3
    welsh = [p for p in prisons.values() if p.language == "cy"]
    assert [p.code for p in welsh] == ["CFI"]
    assert {p.adult_age for p in prisons.values() if p.language == "en"} == {18}
    assert welsh[0].adult_age == 10


def test_the_guide_names_every_callers_number_and_pin_and_they_are_true(demo):
    with demo.session() as session:
        for caller in CALLERS:
            assert caller.phone in demo.guide
            person = session.scalar(select(Visitor).where(Visitor.phone == caller.e164))
            assert person.name == caller.name
            if caller.pin:
                assert f"PIN {caller.pin}" in demo.guide
                assert demo.hasher.verify(person.pin_hash, caller.pin)
            else:
                assert person.pin_hash is None
            number = caller.prisoner.split()[0]
            if number != "any":
                assert number in demo.guide and prisoner(session, number) is not None
    assert "visitline phone --from +447400100001" in demo.guide


def test_seeding_again_changes_nothing(demo):
    def counts():
        with demo.session() as session:
            return {t.name: session.scalar(select(func.count()).select_from(t))
                    for t in Base.metadata.sorted_tables}
    before = counts()

    guide = seed_demo(demo)

    assert counts() == before
    assert "nothing changed" in guide


def test_every_prison_has_sessions_most_days_for_two_weeks_and_a_professional_one(demo):
    today = local_today(demo.clock)
    with demo.session() as session:
        for prison in session.scalars(select(Prison)):
            days = set(session.scalars(select(VisitSlot.date).where(
                VisitSlot.prison_id == prison.id, VisitSlot.kind == "social",
                VisitSlot.date >= today, VisitSlot.date < today + timedelta(days=14))))
            assert len(days) >= 10, prison.code
            assert session.scalar(select(func.count(VisitSlot.id)).where(
                VisitSlot.prison_id == prison.id, VisitSlot.kind == "professional")) > 0


def test_a_demo_family_can_see_sessions_to_book(demo):
    with demo.session() as session:
        offers = available_slots(session, demo.clock, prisoner_id=prisoner(session, "A1234BC").id,
                                 visitor_ids=party(session, "Sarah Hughes", "Mia Hughes"))
    assert offers and all(o.tables == 1 and not o.request_reason for o in offers)


def test_the_demo_solicitor_sees_professional_sessions(demo):
    with demo.session() as session:
        offers = available_slots(session, demo.clock, prisoner_id=prisoner(session, "L6789GH").id,
                                 visitor_ids=party(session, "Ruth Okafor"))
        kinds = {session.get(VisitSlot, o.slot_id).kind for o in offers}
    assert kinds == {"professional"}


def test_the_demo_large_family_takes_two_tables(demo):
    walshes = ("Donna Walsh", "Gary Walsh", "Chelsea Walsh", "Kayden Walsh", "Tyler Walsh",
               "Lily Walsh", "Ruby Walsh")
    with demo.session() as session:
        offers = available_slots(session, demo.clock, prisoner_id=prisoner(session, "L6789GH").id,
                                 visitor_ids=party(session, *walshes))
    assert offers and {o.tables for o in offers} == {2}


def test_the_demo_banned_visitor_is_refused(demo):
    with demo.session() as session, pytest.raises(Refused) as refused:
        available_slots(session, demo.clock, prisoner_id=prisoner(session, "A1234BC").id,
                        visitor_ids=party(session, "Lee Cole"))
    assert refused.value.reason == "banned_indefinitely"


def test_the_demo_flagged_visitor_is_booked_as_a_request(demo):
    with demo.session() as session:
        offers = available_slots(session, demo.clock, prisoner_id=prisoner(session, "L7890HJ").id,
                                 visitor_ids=party(session, "Carl Doyle"))
    assert offers and {o.request_reason for o in offers} == {"public protection"}


def test_at_the_welsh_prison_children_of_10_count_as_adults(demo):
    with demo.session() as session:
        offers = available_slots(session, demo.clock, prisoner_id=prisoner(session, "W4567EF").id,
                                 visitor_ids=party(session, "Cerys Price", "Gwenllian Price",
                                                   "Dylan Price", "Elin Price"))
        cerys = visitor(session, "Cerys Price")
    # Four "adults" at Cardiff (adult age 10) need two tables; Cardiff puts that to staff.
    assert offers and {(o.tables, o.request_reason) for o in offers} == {
        (2, "large family: two tables")}
    assert cerys.language == "cy"
