"""Every Twilio webhook must carry a valid X-Twilio-Signature; anything else gets 403.

Behind a proxy that terminates TLS the app sees http:// and an internal host, but Twilio signed
the public https URL: set PUBLIC_BASE_URL so the signed URL can be rebuilt.
"""
from __future__ import annotations

from flask import Blueprint, abort, request
from twilio.request_validator import RequestValidator

from .settings import Settings


def signed_url(settings: Settings) -> str:
    if settings.public_base_url:
        query = request.query_string.decode()
        return settings.public_base_url + request.path + (f"?{query}" if query else "")
    return request.url


def guard(blueprint: Blueprint, settings: Settings) -> None:
    """Check the signature of every request to the blueprint before its view runs."""
    if not settings.validate_twilio_signature:
        return
    validator = RequestValidator(settings.twilio_auth_token)

    @blueprint.before_request
    def _require_signature():
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not settings.twilio_auth_token:
            abort(403)
        params = request.form.to_dict(flat=True) if request.method == "POST" else {}
        if not validator.validate(signed_url(settings), params, signature):
            abort(403)
