"""The app wired over the test database, with a fixed clock and Twilio test credentials."""
from __future__ import annotations

import pytest

from config.app import create_app
from config.container import Container
from config.settings import from_environment
from tests.support.twilio_requests import ACCOUNT_SID, AUTH_TOKEN


@pytest.fixture
def settings(tmp_path):
    return from_environment({
        "VISITLINE_ENV": "test", "DATABASE_URL": "sqlite:///unused.sqlite",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": "+447400000999", "SECRET_KEY": "x" * 40,
    }, instance=tmp_path)


@pytest.fixture
def container(settings, engine, session_factory, clock, hasher, notifier) -> Container:
    return Container(settings=settings, engine=engine, session_factory=session_factory,
                     clock=clock, hasher=hasher, notifier=notifier)


@pytest.fixture
def app(container):
    return create_app(container=container)


@pytest.fixture
def client(app):
    return app.test_client()
