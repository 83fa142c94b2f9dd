"""The visits list (spec row 4): every visitor's details per session, printable, as CSV."""
from __future__ import annotations

import csv
import io

from .helpers import THU_3_DEC, text


def test_the_visits_list_shows_everything_the_prison_needs(leeds_staff, session, world,
                                                           leeds_booking):
    world.child.support_needs = "wheelchair"
    world.lead.public_protection_flag = False
    world.lead.id_status = "checked"
    session.commit()
    page = text(leeds_staff.get(f"/admin/visits?prison=LEI&date={THU_3_DEC}"))
    for expected in ("Daniel Hughes", "A1234BC", "B-2-014", "Sarah Hughes (lead)", "20/06/1991",
                     "wife", "ID checked", "Mia Hughes", "01/06/2019", "daughter",
                     "ID unchecked", "wheelchair", leeds_booking.reference, "14:00"):
        assert expected in page, expected
    assert "Tables taken: 1 of 20 open" in page


def test_the_list_can_show_one_session(leeds_staff, session, world, leeds_booking):
    page = text(leeds_staff.get(f"/admin/visits?date={THU_3_DEC}&session={leeds_booking.slot_id}"))
    assert leeds_booking.reference in page


def test_the_print_view_has_no_navigation(leeds_staff, leeds_booking):
    page = text(leeds_staff.get(f"/admin/visits/print?date={THU_3_DEC}"))
    assert "Daniel Hughes" in page and "Sign out" not in page


def test_the_csv_has_a_row_per_visitor(leeds_staff, session, world, leeds_booking):
    world.lead.first_name = "=HYPERLINK(1)"
    session.commit()
    response = leeds_staff.get(f"/admin/visits.csv?prison=LEI&date={THU_3_DEC}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert [r["visitor"] for r in rows] == ["'=HYPERLINK(1) Hughes", "Mia Hughes"]
    assert rows[0]["reference"] == leeds_booking.reference
    assert rows[1]["date of birth"] == "2019-06-01" and rows[1]["relationship"] == "daughter"
    assert rows[0]["open or closed"] == "open" and rows[0]["location"] == "B-2-014"


def test_a_bad_date_is_refused_plainly(leeds_staff):
    assert leeds_staff.get("/admin/visits?date=31-31-2026").status_code == 400


def test_cancelled_visits_are_not_on_the_list(leeds_staff, uow_factory, clock, leeds_booking):
    from core.actor import Actor
    from core.cancel import cancel_booking
    with uow_factory() as uow:
        cancel_booking(uow, clock, booking_id=leeds_booking.id, actor=Actor.staff(1),
                       reason="x")
    assert leeds_booking.reference not in text(leeds_staff.get(f"/admin/visits?date={THU_3_DEC}"))
