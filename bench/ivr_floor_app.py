"""The benchmark's floor: the least a greeting could do with PostgreSQL, so the goal can be read
against what the machine allows (`gunicorn bench.ivr_floor_app:app`). Behind the same signature
check as the line, each request looks the caller's number up and keeps a row for the call: one
prepared SELECT and one INSERT through the raw driver on a connection per thread, in autocommit,
with no ORM, no rules and a fixed TwiML answer. Nothing the line does per greeting is cheaper
than this; the line adds its rules, the TwiML for the caller and the answer kept for a repeat."""
from __future__ import annotations

import json
import os
import threading

import psycopg
from flask import Blueprint, Flask, Response, request

from config.settings import from_environment
from config.twilio_guard import guard

from .ivr_bare_app import FIXED

_local = threading.local()


def _connection() -> psycopg.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None:
        dsn = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
        connection = _local.connection = psycopg.connect(dsn, autocommit=True)
    return connection


def floor() -> Response:
    connection, phone = _connection(), str(request.form.get("From", ""))
    row = connection.execute("SELECT language FROM visitor WHERE phone = %s LIMIT 1", (phone,),
                             prepare=True).fetchone()
    connection.execute(
        "INSERT INTO call_state (call_sid, from_phone, data, created_at, updated_at) "
        "VALUES (%s, %s, %s, now(), now()) ON CONFLICT DO NOTHING",
        (str(request.form.get("CallSid", "")), phone, json.dumps({"lang": row[0] if row else "en"})),
        prepare=True)
    return Response(FIXED, mimetype="text/xml")


def create() -> Flask:
    app = Flask("floor")
    blueprint = Blueprint("floor", __name__)
    blueprint.add_url_rule("/floor", "floor", floor, methods=["POST"])
    guard(blueprint, from_environment())
    app.register_blueprint(blueprint)
    return app


app = create()
