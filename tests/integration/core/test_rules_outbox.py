"""Texts are written to the outbox in the booking's own transaction: a confirmation at once,
reminders 7 days and 48 hours before (none that would fall in the past)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import event, func, select

from core.reference import written
from core.models import Booking, OutboundMessage
from tests.support.factories import approve, create_visitor

from .helpers import (LAST_DAY, THU_3_DEC, THU_10_DEC, book, booking_refused, messages, slot_on)


def test_the_confirmation_and_reminders_commit_with_the_booking(backend, session,
                                                               session_factory, uow_factory,
                                                               clock, world):
    slot = slot_on(session, world.prison, clock, THU_10_DEC)
    connection = session_factory.kw["bind"]
    seen_at_each_commit = []

    @event.listens_for(session_factory, "after_commit")
    def _count(_session):
        seen_at_each_commit.append(tuple(
            connection.scalar(select(func.count()).select_from(model))
            for model in (Booking, OutboundMessage)))

    book(uow_factory, clock, slot=slot, prisoner=world.prisoner, visitors=[world.lead])
    # The hold commits first with no booking and no text; then booking and texts together (a
    # unit of work that only read commits too, and sees the same).
    assert list(dict.fromkeys(seen_at_each_commit)) == [(0, 0), (1, 3)]


def test_a_refused_booking_writes_no_texts(backend, session, uow_factory, clock, world):
    world.prisoner.vo_balance = 0
    session.commit()
    booking_refused(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                    prisoner=world.prisoner, visitors=[world.lead])
    assert messages(session) == []


def test_the_confirmation_is_handed_to_the_sender_after_commit(backend, session, uow_factory,
                                                               clock, world, notifier):
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    [confirmation] = messages(session, booking_id=booking.id, kind="confirmation")
    assert (confirmation.status, confirmation.to_phone) == ("pending", "+447400123456")
    assert notifier.ready == [confirmation.id]   # reminders wait for their time


def test_the_confirmation_says_everything_the_visitor_must_know(backend, session, uow_factory,
                                                               clock, world):
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead, world.child])
    [text] = messages(session, booking_id=booking.id, kind="confirmation")
    ref = written(booking.reference)
    assert text.body == (
        f"Visit booked: HMP Leeds, Thursday 10 December 14:00. Ref {ref}. Bring photo ID for "
        "every adult (passport or driving licence). Arrive 45 mins early. To cancel, reply "
        f"CANCEL {ref}")


def test_a_welsh_speaker_is_texted_all_in_welsh(backend, session, uow_factory, clock, world):
    world.lead.language = "cy"
    world.prison.id_requirements_cy = "dogfen adnabod gyda llun i bob oedolyn"
    session.commit()
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    [text] = messages(session, booking_id=booking.id, kind="confirmation")
    assert text.language == "cy"
    assert text.body == (
        "Ymweliad wedi'i drefnu: HMP Leeds, dydd Iau 10 Rhagfyr 14:00. Cyf "
        f"{written(booking.reference)}. Dewch gyda dogfen adnabod gyda llun i bob oedolyn. Dewch "
        f"45 munud yn gynnar. I ganslo, atebwch CANSLO {written(booking.reference)}")


def test_reminders_are_scheduled_7_days_and_48_hours_before(backend, session, uow_factory, clock,
                                                            world):
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, LAST_DAY),
                   prisoner=world.prisoner, visitors=[world.lead])
    reminders = messages(session, booking_id=booking.id, kind="reminder")
    utc = timezone.utc
    assert [(m.dedupe_key, m.status, m.send_after) for m in reminders] == [
        (f"reminder-{booking.id}-168h", "scheduled", datetime(2026, 12, 22, 14, tzinfo=utc)),
        (f"reminder-{booking.id}-48h", "scheduled", datetime(2026, 12, 27, 14, tzinfo=utc)),
    ]
    assert f"CANCEL {written(booking.reference)}" in reminders[0].body


def test_no_reminder_is_scheduled_in_the_past(backend, session, uow_factory, clock, world):
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    reminders = messages(session, booking_id=booking.id, kind="reminder")
    assert [m.send_after for m in reminders] == [datetime(2026, 12, 1, 14, tzinfo=timezone.utc)]


def test_a_booking_too_close_for_any_reminder_gets_none(backend, session, uow_factory, clock,
                                                        world):
    clock.set(datetime(2026, 12, 1, 14, 30, tzinfo=timezone.utc))
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_3_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert messages(session, booking_id=booking.id, kind="reminder") == []
    assert len(messages(session, booking_id=booking.id, kind="confirmation")) == 1


def test_reminder_times_are_set_per_prison(backend, session, uow_factory, clock, world):
    world.prison.reminder_offsets_hours = "24"
    session.commit()
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead])
    assert [m.send_after for m in messages(session, booking_id=booking.id, kind="reminder")] == \
        [datetime(2026, 12, 9, 14, tzinfo=timezone.utc)]


def test_texts_go_to_the_lead_visitor(backend, session, uow_factory, clock, world):
    second = create_visitor(session, first_name="Rae", phone="+447400777777")
    approve(session, world.prisoner, second, relationship="sister")
    session.commit()
    booking = book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                   prisoner=world.prisoner, visitors=[world.lead, second])
    assert {m.to_phone for m in messages(session, booking_id=booking.id)} == {"+447400123456"}


def test_a_summer_visit_is_texted_in_london_time(backend, session, uow_factory, clock, world):
    clock.set(datetime(2027, 3, 20, 10, tzinfo=timezone.utc))
    after_clocks_change = slot_on(session, world.prison, clock, date(2027, 3, 30))
    assert after_clocks_change.starts_at == datetime(2027, 3, 30, 13, tzinfo=timezone.utc)
    booking = book(uow_factory, clock, slot=after_clocks_change, prisoner=world.prisoner,
                   visitors=[world.lead])
    [text] = messages(session, booking_id=booking.id, kind="confirmation")
    assert "Tuesday 30 March 14:00." in text.body
