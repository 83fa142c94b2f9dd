"""`visitline worker`: the RQ worker with its scheduler and the periodic loop (Procfile `worker`)."""
from __future__ import annotations

import sys

import click


def register(main: click.Group) -> None:
    main.add_command(worker)


@click.command(help="Run background jobs from Redis: texts, reminders, waiting-list offers, "
                    "feedback requests, renewals, retention. Needs REDIS_URL.")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--fork", is_flag=True, help="Run each job in a forked process.")
@click.option("--every", default=30, show_default=True, type=click.IntRange(1, 3600),
              help="Seconds between periodic passes over the database.")
@click.option("--maintenance-interval", default=60, show_default=True,
              type=click.IntRange(1, 3600),
              help="Seconds between checks for jobs a dead worker left unfinished.")
@click.option("--heartbeat-margin", default=60, show_default=True, type=click.IntRange(1, 600),
              help="Seconds past a job's heartbeat before it is presumed abandoned.")
@click.pass_obj
def worker(settings, burst: bool, fork: bool, every: int, maintenance_interval: int,
           heartbeat_margin: int) -> None:
    if not settings.redis_url:
        click.echo("visitline worker needs REDIS_URL; without it `visitline serve` runs the "
                   "jobs in-process.", err=True)
        sys.exit(2)
    from .container import build
    from .error_reports import init_error_reporting
    from .worker import run_worker
    init_error_reporting(settings.sentry_dsn, environment=settings.environment,
                         component="worker")
    run_worker(build(settings), burst=burst, fork=fork, every=every,
               maintenance_interval=maintenance_interval, heartbeat_margin=heartbeat_margin)
