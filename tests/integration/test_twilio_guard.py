"""Webhooks answer only requests Twilio signed."""
import pytest
from flask import Blueprint

from config.app import create_app
from config.twilio_guard import guard
from tests.support.twilio_requests import signed_post


@pytest.fixture
def guarded_client(container):
    blueprint = Blueprint("probe", __name__)

    @blueprint.post("/probe/hook")
    def hook():
        return "ok"

    guard(blueprint, container.settings)
    app = create_app(container=container)
    app.register_blueprint(blueprint)
    return app.test_client()


def test_a_signed_request_is_answered(guarded_client):
    assert signed_post(guarded_client, "/probe/hook", {"CallSid": "CA1"}).status_code == 200


def test_a_request_without_a_signature_gets_403(guarded_client):
    assert guarded_client.post("/probe/hook", data={"CallSid": "CA1"}).status_code == 403


def test_a_wrong_signature_gets_403(guarded_client):
    response = signed_post(guarded_client, "/probe/hook", {"CallSid": "CA1"}, signature="bad")
    assert response.status_code == 403


def test_a_field_changed_after_signing_gets_403(guarded_client):
    from tests.support.twilio_requests import sign
    signature = sign("http://localhost/probe/hook", {"Digits": "1"})
    response = guarded_client.post("/probe/hook", data={"Digits": "2"},
                                   headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_while_the_token_is_rotated_both_old_and_new_signatures_are_accepted(container):
    import dataclasses
    container.settings = dataclasses.replace(container.settings, twilio_auth_token="new-token-1",
                                             twilio_auth_token_previous="old-token-0")
    blueprint = Blueprint("probe", __name__)
    blueprint.add_url_rule("/probe/hook", "hook", lambda: "ok", methods=["POST"])
    guard(blueprint, container.settings)
    app = create_app(container=container)
    app.register_blueprint(blueprint)
    client = app.test_client()
    for token, status in (("new-token-1", 200), ("old-token-0", 200), ("other-token", 403)):
        response = signed_post(client, "/probe/hook", {"CallSid": "CA1"}, auth_token=token)
        assert response.status_code == status, token
