"""Every Twilio webhook must carry a valid X-Twilio-Signature; anything else gets 403.

Twilio signs the URL exactly as it requested it, percent-escapes and all, so the URL is rebuilt
from the request target as it arrived (werkzeug's `request.url` decodes some escapes, such as
%3A, %2F and non-ASCII letters, and then no signature would match). Behind a proxy that
terminates TLS the app sees http:// and an internal host, but Twilio signed the public https URL:
set PUBLIC_BASE_URL so the signed URL can be rebuilt.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Blueprint, abort, request
from twilio.request_validator import RequestValidator

from .settings import Settings


def signed_url(settings: Settings) -> str:
    """The URL Twilio requested: this request's scheme and host, or the public base URL (which
    names the app's own root), then the request target as it was sent."""
    target = _request_target()
    if settings.public_base_url:
        return settings.public_base_url + target.removeprefix(_escaped(request.script_root))
    return f"{request.scheme}://{request.host}{target}"


def guard(blueprint: Blueprint, settings: Settings) -> None:
    """Check the signature of every request to the blueprint before its view runs."""
    if not settings.validate_twilio_signature:
        return
    # While the auth token is rotated, Twilio may sign with either: the old one is accepted
    # until TWILIO_AUTH_TOKEN_PREVIOUS is unset (docs/deploy.md).
    validators = [RequestValidator(token) for token in
                  (settings.twilio_auth_token, settings.twilio_auth_token_previous) if token]

    @blueprint.before_request
    def _require_signature():
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not settings.twilio_auth_token:
            abort(403)
        params = request.form if request.method == "POST" else {}
        url = signed_url(settings)
        if not any(v.validate(url, params, signature) for v in validators):
            abort(403)


def _request_target() -> str:
    """Path and query exactly as the client sent them. Servers keep the raw request target
    (gunicorn and werkzeug as RAW_URI, others as REQUEST_URI); without it, the path is escaped
    again and the query string is taken as it came."""
    target = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    if target and not target.startswith("/"):        # absolute form: "http://host/path?query"
        parts = urlsplit(target)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    if target.startswith("/"):
        return target
    query = request.query_string.decode("latin-1")
    return _escaped(request.script_root + request.path) + (f"?{query}" if query else "")


def _escaped(path: str) -> str:
    return quote(path, safe="/:@!$&'()*+,;=-._~")
