"""Requests as Twilio makes them: form-encoded POSTs signed with X-Twilio-Signature."""
from __future__ import annotations

from twilio.request_validator import RequestValidator

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "0" * 32
BASE_URL = "http://localhost"


def sign(url: str, params: dict, auth_token: str = AUTH_TOKEN) -> str:
    return RequestValidator(auth_token).compute_signature(url, params)


def signed_post(client, path: str, params: dict, *, auth_token: str = AUTH_TOKEN,
                base_url: str = BASE_URL, signature: str | None = None):
    """POST like Twilio: the signature covers the full URL and every form field."""
    params = {k: str(v) for k, v in params.items()}
    url = base_url + path
    headers = {"X-Twilio-Signature": signature if signature is not None else sign(url, params,
                                                                                  auth_token)}
    return client.post(path, data=params, headers=headers, base_url=base_url)
