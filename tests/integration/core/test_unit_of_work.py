"""A unit of work that only read ends with COMMIT, which keeps the driver's prepared statements
(psycopg drops them all after a ROLLBACK); one that wrote, flushed, left changes pending or
failed is rolled back and leaves nothing behind."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, update

from config.db import make_engine, make_session_factory
from core.models import Visitor
from core.uow import UnitOfWork
from tests.support.factories import create_visitor


@pytest.fixture
def database(databases, backend):
    """A committed database of its own, and how each transaction on it ended."""
    engine = make_engine(databases.fresh_url(backend))
    endings: list[str] = []
    event.listen(engine, "commit", lambda _connection: endings.append("commit"))
    event.listen(engine, "rollback", lambda _connection: endings.append("rollback"))
    session_factory = make_session_factory(engine)
    with session_factory() as session:
        create_visitor(session, first_name="Sarah", phone="+447400123456")
        session.commit()
    endings.clear()
    yield session_factory, endings
    engine.dispose()


def _first_names(session_factory) -> list[str]:
    with session_factory() as session:
        return list(session.scalars(select(Visitor.first_name)))


def test_a_unit_of_work_that_only_read_ends_with_commit(database):
    session_factory, endings = database
    with UnitOfWork(session_factory) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Visitor)) == 1
        uow.session.scalars(select(Visitor)).all()
    assert endings == ["commit"]


def test_an_uncommitted_flush_is_rolled_back(database):
    session_factory, endings = database
    with UnitOfWork(session_factory) as uow:
        create_visitor(uow.session, first_name="Mia")      # flushed, never committed
    assert endings == ["rollback"]
    assert _first_names(session_factory) == ["Sarah"]


def test_an_uncommitted_update_statement_is_rolled_back(database):
    session_factory, endings = database
    with UnitOfWork(session_factory) as uow:
        uow.session.execute(update(Visitor).values(first_name="Changed"))
    assert endings == ["rollback"]
    assert _first_names(session_factory) == ["Sarah"]


def test_a_change_left_pending_is_rolled_back_not_flushed(database):
    session_factory, endings = database
    with UnitOfWork(session_factory) as uow:
        visitor = uow.session.scalars(select(Visitor)).one()
        visitor.first_name = "Pending"
    assert endings == ["rollback"]
    assert _first_names(session_factory) == ["Sarah"]


def test_a_read_that_fails_is_rolled_back(database):
    session_factory, endings = database
    with pytest.raises(LookupError), UnitOfWork(session_factory) as uow:
        uow.session.scalars(select(Visitor)).all()
        raise LookupError("refused")
    assert endings == ["rollback"]


def test_a_write_sent_on_the_sessions_own_connection_is_rolled_back(database):
    session_factory, endings = database
    with UnitOfWork(session_factory) as uow:
        uow.session.connection().execute(update(Visitor).values(first_name="Changed"))
    assert endings == ["rollback"]
    assert _first_names(session_factory) == ["Sarah"]
