"""`visitline twilio`: point the line's Twilio number at it, and the fallbacks for when it is down."""
from __future__ import annotations

import sys

import click

from .settings import Settings


def register(main: click.Group) -> None:
    main.add_command(twilio)


@click.group(help="The line's Twilio number.")
def twilio() -> None:
    pass


@twilio.command("setup", help="Set the number's voice and SMS webhooks, the call status "
                              "callback and both fallbacks; print what changed.")
@click.option("--number", required=True, help="The Twilio number, e.g. +441234567890.")
@click.option("--base-url", required=True, help="The line's https address, e.g. "
                                                "https://visits.example.gov.uk")
@click.option("--prison", default="", help="A number of one prison's own: its code (the "
                                           "greeting is in that prison's language).")
@click.option("--voice-fallback-url", default="",
              help="Where the static voice fallback is served (see 'fallback-twiml').")
@click.option("--sms-fallback-url", default="",
              help="Where the static SMS fallback is served (see 'fallback-twiml --sms').")
@click.option("--check", is_flag=True, help="Only compare: change nothing, exit 1 if it differs.")
@click.pass_obj
def setup(settings: Settings, number: str, base_url: str, prison: str, voice_fallback_url: str,
          sms_fallback_url: str, check: bool) -> None:
    from sms.twilio_sender import make_client
    from .twilio_setup import SetupError, set_up_number, wanted_settings
    if not settings.has_twilio:
        click.echo("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set", err=True)
        sys.exit(2)
    client = make_client(settings.twilio_account_sid, settings.twilio_auth_token,
                         api_base_url=settings.twilio_api_base_url)
    try:
        wanted = wanted_settings(base_url, prison=prison, voice_fallback_url=voice_fallback_url,
                                 sms_fallback_url=sms_fallback_url)
        changes = set_up_number(client, number, wanted, check_only=check)
    except SetupError as error:
        click.echo(f"visitline twilio setup: {error}", err=True)
        sys.exit(2)
    for missing in ("voice_fallback_url", "sms_fallback_url"):
        if missing not in wanted:
            click.echo(f"note: {missing} left as it is (give --{missing.replace('_', '-')})")
    verb = "differs" if check else "changed"
    for change in changes:
        click.echo(f"{verb}: {change}")
    if not changes:
        click.echo(f"{number} is set up for {base_url}")
    if check and changes:
        sys.exit(1)


@twilio.command("fallback-twiml", help="Print the static TwiML to host (e.g. in a TwiML Bin) "
                                       "for the number's fallback URLs.")
@click.option("--prison-phone", default="", help="The number callers are told to ring instead.")
@click.option("--sms", "for_sms", is_flag=True, help="The SMS fallback (answers nothing; the "
                                                     "line catches the text up when it is back).")
def fallback_twiml(prison_phone: str, for_sms: bool) -> None:
    from .twilio_setup import sms_fallback_twiml, voice_fallback_twiml
    if for_sms:
        click.echo(sms_fallback_twiml(), nl=False)
        return
    if not prison_phone:
        click.echo("--prison-phone is needed for the voice fallback", err=True)
        sys.exit(2)
    click.echo(voice_fallback_twiml(prison_phone), nl=False)
