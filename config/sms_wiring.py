"""Which SMS sender the line uses: Twilio when it has credentials and a number, else (outside
production) a console sender that logs each text, clearly marked, so the demo works offline.
`TWILIO_API_BASE_URL` points the real Twilio client elsewhere (the tests' local fake)."""
from __future__ import annotations

from core.delivery import Sender
from core.ports import Inbox
from sms.console_sender import ConsoleSender
from sms.twilio_inbox import TwilioInbox
from sms.twilio_sender import TwilioSender, make_client

from .settings import Settings, SettingError

STATUS_PATH = "/sms/status"


def make_sender(settings: Settings) -> Sender:
    if settings.has_twilio and settings.twilio_phone_number:
        # One client per sending thread (twilio's is not safe to share between threads).
        return TwilioSender(new_client=lambda: make_client(
                                settings.twilio_account_sid, settings.twilio_auth_token,
                                api_base_url=settings.twilio_api_base_url),
                            from_number=settings.twilio_phone_number,
                            status_callback_url=status_callback_url(settings))
    if settings.environment == "production":
        raise SettingError("TWILIO_ACCOUNT_SID", "Twilio credentials and TWILIO_PHONE_NUMBER "
                           "are needed to send texts in production")
    return ConsoleSender()


def make_inbox(settings: Settings) -> Inbox | None:
    """Twilio's record of texts to the line, for the catch-up; none without Twilio (the console
    sender's demo receives texts only through its webhook)."""
    if not (settings.has_twilio and settings.twilio_phone_number):
        return None
    return TwilioInbox(make_client(settings.twilio_account_sid, settings.twilio_auth_token,
                                   api_base_url=settings.twilio_api_base_url),
                       number=settings.twilio_phone_number)


def status_callback_url(settings: Settings) -> str:
    """Where Twilio reports delivery: the line's public address (none without one)."""
    return settings.public_base_url + STATUS_PATH if settings.public_base_url else ""


def register_sms(app, container) -> None:
    """The SMS blueprint, behind the Twilio signature guard."""
    from sms.views import make_blueprint
    from .twilio_guard import guard
    blueprint = make_blueprint()
    guard(blueprint, container.settings)
    app.register_blueprint(blueprint)
