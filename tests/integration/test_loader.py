"""The loader (docs/loading.md): checks everything first, a bad file changes nothing, loading the
same file twice has the effect of once, every change is in the audit log."""
from __future__ import annotations

import copy
import json
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.clock import LONDON
from core.loader import LoadRejected, load_data, load_file
from core.models import (AuditEvent, Base, Closure, Prison, Prisoner, SessionTemplate, Visitor,
                         VisitSlot)
from core.rules import INDEFINITE

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-load.json"


@pytest.fixture
def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def load(uow_factory, clock, hasher, data):
    with uow_factory() as uow:
        return load_data(uow, clock, hasher, data)


def row_counts(session) -> dict[str, int]:
    session.expire_all()
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables}


def rejection(uow_factory, clock, hasher, data) -> list[str]:
    with pytest.raises(LoadRejected) as rejected:
        load(uow_factory, clock, hasher, data)
    return rejected.value.problems


def visitor_by_ref(session, ref: str) -> Visitor:
    session.expire_all()
    return session.scalar(select(Visitor).where(Visitor.external_ref == ref))


def test_the_example_file_loads(uow_factory, session, clock, hasher):
    with uow_factory() as uow:
        report = load_file(uow, clock, hasher, EXAMPLE)

    assert report.total("created") == 23 and report.total("updated") == 0
    cardiff = session.scalar(select(Prison).where(Prison.code == "CFI"))
    assert (cardiff.language, cardiff.adult_age, cardiff.notice_in_working_days) == ("cy", 16, True)
    sarah = visitor_by_ref(session, "V-HUGHES-SARAH")
    assert sarah.phone == "+447400123456"
    assert hasher.verify(sarah.pin_hash, "4821")
    assert visitor_by_ref(session, "V-COLE-LEE").banned_until == date(2027, 1, 31)
    assert visitor_by_ref(session, "V-PRICE-GWEN").public_protection_flag is True
    assert visitor_by_ref(session, "V-OKAFOR-RUTH").professional_role == "solicitor"
    remand = session.scalar(select(Prisoner).where(Prisoner.number == "B2345CD"))
    assert remand.legal_status == "remand"


def test_loading_makes_the_visit_slots_with_closures_applied(uow_factory, session, clock,
                                                             hasher, example):
    load(uow_factory, clock, hasher, example)

    slots = session.scalars(select(VisitSlot).join(Prison).where(Prison.code == "BXI",
                                                                 VisitSlot.kind == "social"))
    slots = {slot.date: slot for slot in slots}
    tuesdays = sorted(day for day in slots if day.weekday() == 1)
    assert tuesdays == [date(2026, 12, 1) + timedelta(weeks=n) for n in range(5)]  # 28 days
    closed = {day: slot.closed_reason for day, slot in slots.items() if slot.closed_reason}
    assert closed == {date(2026, 12, 8): "staff training", date(2026, 12, 26): "Christmas"}


def test_loading_twice_has_the_effect_of_once(uow_factory, session, clock, hasher, example):
    load(uow_factory, clock, hasher, example)
    once = row_counts(session)

    report = load(uow_factory, clock, hasher, example)

    assert row_counts(session) == once
    assert report.total("created") == 0 and report.total("updated") == 0
    assert report.total("unchanged") == 23


def test_every_change_is_audited_as_the_loader(uow_factory, session, clock, hasher, example):
    load(uow_factory, clock, hasher, example)
    example["visitors"][0]["support_needs"] = "hearing loop"
    example["visitors"][0]["pin"] = "9753"

    load(uow_factory, clock, hasher, example)

    sarah = visitor_by_ref(session, "V-HUGHES-SARAH")
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "visitor", AuditEvent.entity_id == sarah.id)
        .order_by(AuditEvent.id)).all()
    assert [(e.actor, e.channel, e.action) for e in events] == [
        ("system", "loader", "created"), ("system", "loader", "updated")]
    assert events[1].before == {"support_needs": "step-free access"}
    assert events[1].after == {"support_needs": "hearing loop", "pin": "set"}
    assert hasher.verify(sarah.pin_hash, "9753")
    assert not any("pin_hash" in (e.after or {}) for e in events)


def test_a_changed_session_changes_the_slots_already_made(uow_factory, session, clock, hasher,
                                                         example):
    load(uow_factory, clock, hasher, example)
    example["session_templates"][0].update(open_tables=12, end="15:30")

    load(uow_factory, clock, hasher, example)

    session.expire_all()
    template = session.scalar(select(SessionTemplate).where(
        SessionTemplate.weekday == 1, SessionTemplate.start_time == time(14)))
    slots = session.scalars(select(VisitSlot).where(VisitSlot.template_id == template.id)).all()
    assert {s.open_tables for s in slots} == {12}
    assert {s.ends_at.astimezone(LONDON).time() for s in slots} == {time(15, 30)}


def test_a_session_that_ends_earlier_closes_the_slots_after_its_last_day(
        uow_factory, session, clock, hasher, example):
    load(uow_factory, clock, hasher, example)
    example["session_templates"][0]["valid_to"] = "2026-12-10"

    load(uow_factory, clock, hasher, example)

    session.expire_all()
    tuesdays = session.execute(select(VisitSlot.date, VisitSlot.closed_reason)
                               .join(SessionTemplate).where(SessionTemplate.weekday == 1)
                               .order_by(VisitSlot.date)).all()
    assert tuesdays == [(date(2026, 12, 1), None), (date(2026, 12, 8), "staff training"),
                        (date(2026, 12, 15), "session no longer runs"),
                        (date(2026, 12, 22), "session no longer runs"),
                        (date(2026, 12, 29), "session no longer runs")]


def test_a_new_session_gets_slots_though_the_prison_already_had_some(uow_factory, session,
                                                                    clock, hasher, example):
    load(uow_factory, clock, hasher, example)
    example["session_templates"].append(
        {"prison": "BXI", "weekday": "friday", "start": "18:00", "end": "19:30",
         "valid_from": "2026-01-01", "open_tables": 10})

    load(uow_factory, clock, hasher, example)

    session.expire_all()
    fridays = session.scalars(select(VisitSlot.date).join(SessionTemplate).where(
        SessionTemplate.weekday == 4, SessionTemplate.start_time == time(18))).all()
    assert len(fridays) == 4


def test_a_bad_file_reports_every_bad_row_and_changes_nothing(uow_factory, session, clock,
                                                              hasher, example):
    before = row_counts(session)
    bad = copy.deepcopy(example)
    bad["prisons"][1]["adult_age"] = 9
    bad["session_templates"][2]["weekday"] = "funday"
    bad["prisoners"][0]["number"] = "12345"
    bad["visitors"][3]["phone"] = "07700900123"
    bad["visitors"][4]["pin"] = 1234
    bad["visitors"][5]["colour"] = "blue"

    problems = rejection(uow_factory, clock, hasher, bad)

    assert problems == [
        "prisons[1].adult_age: must be from 10 to 18, not 9",
        "session_templates[2].weekday: must be a day name (monday ... sunday), not \"funday\"",
        "prisoners[0].number: not a prison number like \"A1234BC\": \"12345\"",
        "visitors[3].phone: not a valid phone number \"07700900123\"",
        "visitors[4].pin: must be 4 digits written as text, like \"4821\"",
        "visitors[5].colour: unknown field (known: ref, first_name, last_name, date_of_birth, "
        "phone, pin, id_status, professional_role, banned_until, ban_reason, "
        "public_protection_flag, restriction_under_review, closed_visits_only, support_needs, "
        "language)",
    ]
    assert row_counts(session) == before


def test_references_to_what_is_not_there_are_reported(uow_factory, session, clock, hasher,
                                                      example):
    example["closures"][1]["session"]["start"] = "15:00"
    example["prisoners"][2]["prison"] = "XYZ"
    example["approved_visitors"][0]["visitor"] = "V-NOBODY"
    example["non_associations"][0]["prisoners"] = ["A1234BC", "Z9999ZZ"]
    example["visitors"].append(dict(example["visitors"][0], first_name="Sal"))

    problems = rejection(uow_factory, clock, hasher, example)

    assert problems == [
        "visitors[6]: the same visitor with ref \"V-HUGHES-SARAH\" as visitors[0] "
        "(give each a different ref)",
        "visitors[6]: the same visitor with phone +447400123456 born 1991-06-20 as visitors[0] "
        "(give each a different ref)",
        "prisoners[2].prison: no prison with code \"XYZ\" in this file or already loaded",
        "closures[1].session: no social session at BXI on tuesday at 15:00 in this file or "
        "already loaded",
        "non_associations[0].prisoners: no prisoner Z9999ZZ in this file or already loaded",
        "approved_visitors[0].visitor: no visitor with ref \"V-NOBODY\" in this file or "
        "already loaded",
    ]
    assert row_counts(session)["prison"] == 0


def test_a_later_file_may_refer_to_what_an_earlier_one_loaded(uow_factory, session, clock,
                                                              hasher, example):
    load(uow_factory, clock, hasher, example)
    later = {"approved_visitors": [{"prisoner": "C3456DE", "visitor": "V-HUGHES-SARAH",
                                    "relationship": "friend"}],
             "closures": [{"prison": "CFI", "first_date": "2026-12-09",
                           "session": {"weekday": "wednesday", "start": "14:00"}}]}

    report = load(uow_factory, clock, hasher, later)

    assert report.counts["approved_visitor"]["created"] == 1
    assert report.counts["closure"]["created"] == 1
    session.expire_all()
    closed = session.scalar(select(VisitSlot).where(VisitSlot.date == date(2026, 12, 9)))
    assert closed.closed_reason == "closed"


@pytest.mark.parametrize("number, e164", [
    ("+44 7624 312345", "+447624312345"),    # Isle of Man
    ("07797 123456", "+447797123456"),       # Jersey
    ("+447911123456", "+447911123456"),      # Guernsey
])
def test_crown_dependency_numbers_are_accepted(uow_factory, session, clock, hasher, number,
                                               e164):
    load(uow_factory, clock, hasher, {"visitors": [
        {"ref": "V-1", "first_name": "Ann", "last_name": "Kerr", "date_of_birth": "1970-01-01",
         "phone": number}]})

    assert visitor_by_ref(session, "V-1").phone == e164


@pytest.mark.parametrize("number, reason", [
    ("07700900123", "not a valid phone number \"07700900123\""),     # Ofcom drama range
    ("07700 900 456", "not a valid phone number \"07700 900 456\""),
    ("+12025550123", "not a UK number \"+12025550123\" (+44: the UK, Isle of Man, Jersey, "
                     "Guernsey)"),
    ("07012345678", "not a mobile or landline number \"07012345678\""),  # a personal number
])
def test_numbers_that_will_not_do_are_rejected(uow_factory, clock, hasher, number, reason):
    problems = rejection(uow_factory, clock, hasher, {"visitors": [
        {"first_name": "Ann", "last_name": "Kerr", "date_of_birth": "1970-01-01",
         "phone": number}]})

    assert problems == [f"visitors[0].phone: {reason}"]


def test_a_visitor_first_loaded_without_a_ref_is_found_by_phone_and_birth_date(
        uow_factory, session, clock, hasher):
    tom = {"first_name": "Tom", "last_name": "Reid", "date_of_birth": "1960-02-11",
           "phone": "07624 312345"}
    load(uow_factory, clock, hasher, {"visitors": [tom]})

    load(uow_factory, clock, hasher, {"visitors": [dict(tom, ref="V-REID-TOM")]})

    session.expire_all()
    rows = session.scalars(select(Visitor)).all()
    assert [(v.external_ref, v.phone) for v in rows] == [("V-REID-TOM", "+447624312345")]


def test_an_indefinite_ban(uow_factory, session, clock, hasher):
    load(uow_factory, clock, hasher, {"visitors": [
        {"ref": "V-1", "first_name": "Lee", "last_name": "Cole", "date_of_birth": "1989-08-08",
         "phone": "07400 111222", "banned_until": "indefinite"}]})

    assert visitor_by_ref(session, "V-1").banned_until == INDEFINITE


def test_a_prisoner_moved_in_the_file_is_transferred(uow_factory, session, clock, hasher,
                                                     example):
    load(uow_factory, clock, hasher, example)
    example["prisoners"][2]["prison"] = "BXI"

    report = load(uow_factory, clock, hasher, example)

    assert report.transferred == ["C3456DE"]
    session.expire_all()
    owain = session.scalar(select(Prisoner).where(Prisoner.number == "C3456DE"))
    assert owain.prison.code == "BXI"
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "prisoner", AuditEvent.entity_id == owain.id)
        .order_by(AuditEvent.id)).all()
    assert actions == ["created", "transferred"]


def test_the_visiting_order_balance_is_an_opening_balance(uow_factory, session, clock, hasher,
                                                          example):
    load(uow_factory, clock, hasher, example)
    example["prisoners"][0]["vo_balance"] = 0

    load(uow_factory, clock, hasher, example)

    session.expire_all()
    assert session.scalar(select(Prisoner.vo_balance).where(Prisoner.number == "A1234BC")) == 2


def test_a_file_that_is_not_json_is_rejected(uow_factory, clock, hasher, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"prisons": [\n  {"code": "BXI",}\n]}', encoding="utf-8")

    with pytest.raises(LoadRejected) as rejected, uow_factory() as uow:
        load_file(uow, clock, hasher, broken)

    assert rejected.value.problems == [
        f"{broken}: not valid JSON: Expecting property name enclosed in double quotes "
        "at line 2, column 18"]


def test_closures_are_matched_on_prison_dates_and_session(uow_factory, session, clock, hasher,
                                                          example):
    load(uow_factory, clock, hasher, example)
    example["closures"][0]["reason"] = "Christmas and Boxing Day"

    report = load(uow_factory, clock, hasher, example)

    assert report.counts["closure"] == {"updated": 1, "unchanged": 1}
    session.expire_all()
    assert session.scalar(select(func.count(Closure.id))) == 2


def test_the_format_document_describes_every_section_and_field():
    from core.loading_schema import SECTIONS, READERS
    document = (EXAMPLE.parent / "loading.md").read_text(encoding="utf-8")
    parts = {part.split("`", 1)[0]: part for part in document.split("\n## `")[1:]}

    assert sorted(parts) == sorted(SECTIONS)
    for section, (fields, _check) in READERS.items():
        missing = [name for name in fields if f"`{name}`" not in parts[section]]
        assert not missing, f"{section}: {missing}"


def _prisoner(session, number: str) -> Prisoner:
    session.expire_all()
    return session.scalar(select(Prisoner).where(Prisoner.number == number))


def test_a_prison_states_the_visiting_orders_for_each_incentive_level(uow_factory, session,
                                                                      clock, hasher, example):
    load(uow_factory, clock, hasher, example)

    brixton = session.scalar(select(Prison).where(Prison.code == "BXI"))
    cardiff = session.scalar(select(Prison).where(Prison.code == "CFI"))
    assert (brixton.vo_allowance_basic, brixton.vo_allowance_standard,
            brixton.vo_allowance_enhanced) == (2, 3, 4)
    assert (cardiff.vo_allowance_basic, cardiff.vo_allowance_standard,
            cardiff.vo_allowance_enhanced) == (2, 2, 2)     # left out: the statutory minimum


@pytest.mark.parametrize("value, says", [
    (1, "must be at least 2 (the statutory minimum: 2 visits per 4 weeks), not 1"),
    (31, "must be from 2 to 30, not 31"), ("4", "must be a whole number, not \"4\"")])
def test_a_prison_cannot_give_fewer_visiting_orders_than_the_statutory_minimum(
        uow_factory, session, clock, hasher, example, value, says):
    example["prisons"][0]["vo_allowance_enhanced"] = value

    assert rejection(uow_factory, clock, hasher, example) == [
        f"prisons[0].vo_allowance_enhanced: {says}"]
    assert session.scalar(select(func.count(Prison.id))) == 0


def test_a_prisoner_without_an_allowance_of_their_own_follows_their_incentive_level(
        uow_factory, session, clock, hasher, example):
    del example["prisoners"][0]["vo_balance"]           # enhanced at Brixton, which gives 4
    example["prisoners"][2]["vo_allowance"] = 3         # Cardiff gives 2; this prisoner has 3
    load(uow_factory, clock, hasher, example)

    daniel, owain = _prisoner(session, "A1234BC"), _prisoner(session, "C3456DE")
    assert (daniel.vo_allowance, daniel.vo_balance) == (None, 4)   # opening balance: allowance
    assert (owain.vo_allowance, owain.vo_balance) == (3, 3)


def test_a_prisoners_own_allowance_is_removed_with_null(uow_factory, session, clock, hasher,
                                                        example):
    example["prisoners"][0]["vo_allowance"] = 6
    load(uow_factory, clock, hasher, example)
    assert _prisoner(session, "A1234BC").vo_allowance == 6

    example["prisoners"][0]["vo_allowance"] = None
    load(uow_factory, clock, hasher, example)
    assert _prisoner(session, "A1234BC").vo_allowance is None


def test_a_prisoners_own_allowance_is_never_below_the_statutory_minimum(uow_factory, clock,
                                                                        hasher, example):
    example["prisoners"][0]["vo_allowance"] = 1

    assert rejection(uow_factory, clock, hasher, example) == [
        "prisoners[0].vo_allowance: must be at least 2 (the statutory minimum: 2 visits per "
        "4 weeks), not 1"]
