"""The database itself keeps the audit log append-only and bookings undeletable, whatever goes
around the ORM (a direct statement, a console session): config/migrations/versions/0002."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from config.db import make_engine
from config.migrate import alembic_config

from core.models import AuditEvent, Booking

from .helpers import THU_10_DEC, book, slot_on


@pytest.fixture
def booking(session, uow_factory, clock, world):
    return book(uow_factory, clock, slot=slot_on(session, world.prison, clock, THU_10_DEC),
                prisoner=world.prisoner, visitors=[world.lead])


def _refused(session, statement, message: str) -> None:
    with pytest.raises(DatabaseError, match=message):
        with session.begin_nested():
            session.execute(statement.execution_options(synchronize_session=False))


def test_a_booking_cannot_be_deleted_even_by_a_direct_statement(backend, session, booking):
    _refused(session, delete(Booking).where(Booking.id == booking.id), "never deleted")
    assert session.get(Booking, booking.id) is not None


def test_an_audit_entry_cannot_be_deleted_even_by_a_direct_statement(backend, session, booking):
    _refused(session, delete(AuditEvent), "append-only")


@pytest.mark.parametrize("column, value", [("action", "nothing happened"), ("actor", "system"),
                                           ("entity_id", 0)])
def test_what_an_audit_entry_says_happened_cannot_be_changed(backend, session, booking,
                                                             column, value):
    _refused(session, update(AuditEvent).values({column: value}), "append-only")


def test_an_audit_entrys_recorded_values_can_be_blanked_for_retention(backend, session, booking):
    session.execute(update(AuditEvent).where(AuditEvent.entity == "booking")
                    .values(after={"status": "(anonymised)"}))
    assert session.scalars(select(AuditEvent.after).where(AuditEvent.entity == "booking")) \
        .first() == {"status": "(anonymised)"}


GUARDS = {"audit_event_facts_fixed", "audit_event_kept", "booking_kept"}


def _triggers(url: str) -> set[str]:
    engine = make_engine(url)
    query = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
             if engine.dialect.name == "postgresql"
             else "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    try:
        with engine.connect() as connection:
            return set(connection.scalars(text(query)))
    finally:
        engine.dispose()


def test_the_guards_come_off_and_back_on_with_their_migration(backend, databases):
    url = databases.fresh_url(backend)
    assert _triggers(url) == GUARDS
    command.downgrade(alembic_config(url), "0001")
    assert _triggers(url) == set()
    command.upgrade(alembic_config(url), "head")
    assert _triggers(url) == GUARDS
