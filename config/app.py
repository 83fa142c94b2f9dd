"""The Flask app factory: each part registers itself with the app."""
from __future__ import annotations

from flask import Flask, g, redirect, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from .container import Container, build
from .health import register_health
from .logs import bound, new_request_id
from .metrics import register_metrics
from .settings import Settings, from_environment

EXTENSION = "visitline"


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    settings = settings or (container.settings if container else from_environment())
    container = container or build(settings)
    app = Flask("visitline", instance_relative_config=False)
    app.config.update(SECRET_KEY=settings.secret_key, TESTING=settings.environment == "test")
    app.extensions[EXTENSION] = container
    if settings.trusted_proxies:
        # The client's address (the staff sign-in throttle counts per address) from the
        # X-Forwarded-For entries our own proxies added, and no further back.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)

    register_health(app, container)
    register_metrics(app, container)
    _story_ids(app)

    @app.get("/")
    def home():
        # Only staff open the line's address in a browser; callers reach it through Twilio.
        return redirect(url_for("admin.home"))

    _register_channels(app, container)
    return app


def _story_ids(app: Flask) -> None:
    """Every log line of a request carries its request id (the caller's X-Request-Id, else
    Twilio's idempotency token, else a new one) and the call's or text's SID; the answer says
    the request id, so a report can be joined to the logs."""
    @app.before_request
    def _bind():
        form = request.form if request.mimetype == "application/x-www-form-urlencoded" else {}
        request_id = (request.headers.get("X-Request-Id")
                      or request.headers.get("I-Twilio-Idempotency-Token") or new_request_id())
        g.log_ids = bound(request_id=request_id[:64], call_sid=form.get("CallSid"),
                          message_sid=form.get("MessageSid") or form.get("SmsSid"))
        g.log_ids.__enter__()
        g.request_id = request_id[:64]

    @app.after_request
    def _say(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response

    @app.teardown_request
    def _unbind(_error=None):
        ids = g.pop("log_ids", None)
        if ids is not None:
            ids.__exit__(None, None, None)


def _register_channels(app: Flask, container: Container) -> None:
    """Each channel's blueprint, wired here (channels never import config)."""
    # channels: one line each below, added as each channel lands
    from ivr.views import make_blueprint as ivr_blueprint
    from .twilio_guard import guard
    ivr = ivr_blueprint()
    guard(ivr, container.settings)
    app.register_blueprint(ivr)
    from .sms_wiring import register_sms
    register_sms(app, container)
    from .admin_wiring import register_admin
    register_admin(app, container)

