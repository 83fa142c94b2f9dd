"""The `visitline` command line."""
from __future__ import annotations

import sys

import click

from .logs import configure_for
from .settings import SettingError, from_environment


@click.group(help="visitline: a telephone and SMS booking line for prison visits.")
@click.pass_context
def main(ctx: click.Context) -> None:
    try:
        ctx.obj = from_environment()
    except SettingError as error:
        click.echo(f"visitline cannot start: {error}", err=True)
        sys.exit(2)
    # Every command (the worker included) logs as the web process does.
    configure_for(ctx.obj.environment, log_format=ctx.obj.log_format)


@main.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Create or update the schema with the migrations.")
@click.pass_obj
def db_upgrade(settings) -> None:
    from .migrate import upgrade
    upgrade(settings.database_url)
    click.echo(f"schema up to date: {_safe_url(settings.database_url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def _register_commands() -> None:
    # Each area's commands live in their own module beside this one.
    from . import cli_data, cli_serve, cli_worker, cli_phone, cli_staff, cli_twilio
    for module in (cli_data, cli_serve, cli_worker, cli_phone, cli_staff, cli_twilio):
        module.register(main)


_register_commands()
