"""Pointing a Twilio number at the line: the webhooks and fallbacks a number needs, compared
with what Twilio holds and changed through the REST client (`incoming_phone_numbers`).

Message status callbacks are not a number's setting: the sender names `/sms/status` on every
text it sends (config.sms_wiring), so they are not changed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from twilio.rest import Client

VOICE_PATH = "/ivr/voice"
CALL_STATUS_PATH = "/ivr/status"
SMS_PATH = "/sms/inbound"
# Twilio's names for a number's webhooks; each is called with POST.
METHODS = {"voice_url": "voice_method", "status_callback": "status_callback_method",
           "voice_fallback_url": "voice_fallback_method", "sms_url": "sms_method",
           "sms_fallback_url": "sms_fallback_method"}


class SetupError(Exception):
    pass


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.field}: {self.before or '(unset)'} -> {self.after}"


def wanted_settings(base_url: str, *, prison: str = "", voice_fallback_url: str = "",
                    sms_fallback_url: str = "") -> dict[str, str]:
    """What the number should hold. A fallback left empty is not changed: it lives on a host
    other than the line (a TwiML Bin), so only the operator knows its address."""
    base = base_url.rstrip("/")
    if not base.startswith("https://"):
        raise SetupError("--base-url must be the line's https:// address")
    wanted = {"voice_url": base + VOICE_PATH + (f"?prison={prison}" if prison else ""),
              "status_callback": base + CALL_STATUS_PATH, "sms_url": base + SMS_PATH}
    for field, url in (("voice_fallback_url", voice_fallback_url),
                       ("sms_fallback_url", sms_fallback_url)):
        if url:
            if url.rstrip("/").startswith(base):
                raise SetupError(f"{field} must not be on the line itself: it answers when "
                                 "the line does not")
            wanted[field] = url
    for field in list(wanted):
        wanted[METHODS[field]] = "POST"
    return wanted


def differences(current: dict[str, str | None], wanted: dict[str, str]) -> list[Change]:
    return [Change(field, current.get(field) or "", value) for field, value in wanted.items()
            if (current.get(field) or "") != value]


def set_up_number(client: Client, phone_number: str, wanted: dict[str, str], *,
                  check_only: bool) -> list[Change]:
    """The changes the number needs; made unless check_only."""
    numbers = client.incoming_phone_numbers.list(phone_number=phone_number, limit=2)
    if len(numbers) != 1:
        raise SetupError(f"this Twilio account has no number {phone_number}")
    number = numbers[0]
    changes = differences({field: getattr(number, field) for field in wanted}, wanted)
    if changes and not check_only:
        client.incoming_phone_numbers(number.sid).update(
            **{change.field: change.after for change in changes})
    return changes


def voice_fallback_twiml(prison_phone: str) -> str:
    """What a caller hears when the line cannot answer: an apology, where else to call, and
    goodbye. Static, for a TwiML Bin or any static host."""
    spoken = " ".join(prison_phone.replace("+44", "0"))
    english = ("Sorry, the visits booking line is not working just now. Your bookings are "
               f"safe. Please try again later, or call the prison on {spoken}.")
    welsh = ("Mae'n ddrwg gennym, nid yw'r llinell archebu ymweliadau yn gweithio ar hyn o "
             f"bryd. Ffoniwch y carchar ar {spoken}.")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Response>'
            f'<Say language="en-GB">{escape(english)}</Say>'
            f'<Say language="cy-GB">{escape(welsh)}</Say><Hangup/></Response>\n')


def sms_fallback_twiml() -> str:
    """No answer: a text that reached only the fallback is fetched and answered by the line
    once it is back (the inbound catch-up job), so nothing is said twice."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n<Response/>\n'
