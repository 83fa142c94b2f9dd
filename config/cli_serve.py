"""`visitline serve`: the line on this machine, with gunicorn (one process, several threads).

What it says at start is `announce(settings)`: add a line there for anything a person starting
the line should know."""
from __future__ import annotations

import click
from gunicorn.app.base import BaseApplication

from .demo import command_name
from .settings import Settings

DEMO_NUMBER = "+447400100001"   # Sarah Hughes in the demo (config/demo.py)


def register(main: click.Group) -> None:
    main.add_command(serve)


@click.command(help="Run the line with gunicorn (default http://127.0.0.1:5000).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests served at once by the one process.")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, threads: int) -> None:
    for line in announce(settings, url=f"http://{host}:{port}"):
        click.echo(line)
    LineServer(settings, {"bind": f"{host}:{port}", "workers": 1, "threads": threads,
                          "worker_class": "gthread", "timeout": 30,
                          "accesslog": "-", "errorlog": "-",
                          # no control socket under ~/.gunicorn: nothing here uses one
                          "control_socket_disable": True}).run()


def announce(settings: Settings, *, url: str = "http://127.0.0.1:5000") -> list[str]:
    """What the line tells whoever starts it: where it is, what it uses, how to try it."""
    from .cli import _safe_url
    lines = [f"visitline {settings.environment} line on {url}",
             f"  database: {_safe_url(settings.database_url)}"]
    if settings.redis_url:
        lines.append(f"  jobs: queued in Redis at {_safe_url(settings.redis_url)}; "
                     "run a worker beside the line (`visitline worker`)")
    else:
        lines.append("  jobs: run in-process (no REDIS_URL set)")
    if settings.has_twilio:
        lines.append(f"  texts: sent through Twilio from {settings.twilio_phone_number or '?'}")
    else:
        lines.append("  texts: not sent, written to the log (no TWILIO_ACCOUNT_SID set)")
    lines.append(f"  phone it from another terminal: {command_name()} phone --from {DEMO_NUMBER} "
                 f"--url {url}  (`{command_name()} seed-demo` lists every demo caller)")
    lines.append(f"  staff pages: {url}/admin/  (first make an account: "
                 f"`{command_name()} create-staff --admin NAME`)")
    return lines


class LineServer(BaseApplication):
    """gunicorn run from inside visitline: the app is made in the worker, from these settings."""

    def __init__(self, settings: Settings, options: dict):
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            if name in self.cfg.settings:   # an older gunicorn may lack a newer setting
                self.cfg.set(name, value)

    def load(self):
        from .app import create_app
        from .container import build
        container = build(self._settings)
        if not self._settings.redis_url:
            from .inprocess import start_in_process   # texts and the scheduler, in this process
            start_in_process(container)
        return create_app(self._settings, container)
