"""The benchmark's yardstick: a bare Flask route answering a fixed TwiML document, behind the
same Twilio signature check as the line (`gunicorn bench.ivr_bare_app:app`)."""
from __future__ import annotations

from flask import Blueprint, Flask, Response

from config.settings import from_environment
from config.twilio_guard import guard

FIXED = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/bare?t=1" '
         'actionOnEmptyResult="true" input="dtmf speech" language="en-GB" method="POST" '
         'numDigits="1" timeout="6"><Say language="en-GB" voice="Polly.Amy">For Thursday 3 '
         'December, press 1.</Say></Gather></Response>')


def create() -> Flask:
    app = Flask("bare")
    blueprint = Blueprint("bare", __name__)
    blueprint.add_url_rule("/bare", "bare", lambda: Response(FIXED, mimetype="text/xml"),
                           methods=["POST"])
    guard(blueprint, from_environment())
    app.register_blueprint(blueprint)
    return app


app = create()
