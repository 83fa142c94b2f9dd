"""`visitline phone`: phone the line from a terminal (config.terminal_phone does the calling)."""
from __future__ import annotations

import secrets
from dataclasses import replace

import click

from .settings import Settings

HELP_LINE = ("keys: digits, * and # (e.g. 4821#)  |  words: say <words>  |  Enter: stay silent"
             "  |  r: record a message  |  h: hang up")


def register(main: click.Group) -> None:
    main.add_command(phone)


@click.command(help="Phone the line from this terminal: hear what it says, press keys or say "
                    "words. Without --url the line runs in-process on the configured database.")
@click.option("--from", "from_phone", required=True, help="The number you are calling from.")
@click.option("--url", default="", help="A running line, e.g. http://127.0.0.1:5000 "
                                        "(requests are signed with TWILIO_AUTH_TOKEN).")
@click.option("--prison", default="", help="Call the number of one prison (its code, e.g. CFI).")
@click.option("--staff-answers/--staff-busy", default=False,
              help="Whether a dialled staff number answers.")
@click.pass_obj
def phone(settings: Settings, from_phone: str, url: str, prison: str, staff_answers: bool) -> None:
    from .terminal_phone import CallWalker, WalkerError
    transport = _transport(settings, url)
    walker = CallWalker(transport, from_phone=from_phone,
                        entry="/ivr/voice" + (f"?prison={prison}" if prison else ""),
                        dial_outcome="completed" if staff_answers else "no-answer")
    click.echo(f"Calling the line from {from_phone} ({url or 'in-process'}). {HELP_LINE}")
    try:
        _show(walker, walker.start())
        while not walker.ended and walker.waiting_for:
            _show(walker, _act(walker, click.prompt(_prompt(walker), default="",
                                                    show_default=False)))
    except WalkerError as error:
        raise click.ClickException(str(error)) from None
    except (KeyboardInterrupt, EOFError, click.Abort):
        walker.hang_up()
    _farewell(walker)


def _transport(settings: Settings, url: str):
    from .terminal_phone import FlaskTransport, HttpTransport
    if url:
        if not settings.twilio_auth_token and settings.validate_twilio_signature:
            click.echo("warning: TWILIO_AUTH_TOKEN is not set, so requests cannot be signed "
                       "and a line that checks signatures will refuse them", err=True)
        return HttpTransport(url, settings.twilio_auth_token)
    from .app import create_app
    if not settings.twilio_auth_token:
        # In-process, the line and the phone share a token made up for this call.
        settings = replace(settings, twilio_auth_token=secrets.token_hex(16))
    return FlaskTransport(create_app(settings).test_client(), settings.twilio_auth_token)


def _act(walker, typed: str) -> list[str]:
    typed = typed.strip()
    if typed.lower() in ("h", "hangup", "hang up"):
        walker.hang_up()
        return []
    if walker.waiting_for == "Record":
        return walker.record() if typed.lower() in ("r", "#") else walker.wait()
    if typed.lower().startswith("say "):
        return walker.say(typed[4:])
    if not typed:
        return walker.wait()
    return walker.press(typed)


def _prompt(walker) -> str:
    if walker.waiting_for == "Record":
        return "recording (r to leave a message, Enter for silence)"
    gather = walker.last_gather
    listens = "keys or say" if "speech" in gather.get("input", "") else "keys"
    return f"[{listens}]"


def _show(walker, heard: list[str]) -> None:
    for line in heard:
        click.echo(f"  line: {line}")
    if walker.dialled:
        click.echo(f"  (put through to {walker.dialled[-1]})")


def _farewell(walker) -> None:
    if walker.queued:
        click.echo(f"  (waiting in the staff queue {walker.queued!r}; the call stays there "
                   "until staff answer)")
        walker.hang_up()
    click.echo("Call ended.")
