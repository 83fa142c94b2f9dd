"""The Flask app factory: each part registers itself with the app."""
from __future__ import annotations

from flask import Flask, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from .container import Container, build
from .health import register_health
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

    @app.get("/")
    def home():
        # Only staff open the line's address in a browser; callers reach it through Twilio.
        return redirect(url_for("admin.home"))

    _register_channels(app, container)
    return app


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

