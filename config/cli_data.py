"""`visitline load FILE` and `visitline seed-demo`."""
from __future__ import annotations

import sys

import click


def register(main: click.Group) -> None:
    main.add_command(load)
    main.add_command(seed_demo)


@click.command(help="Load prisons, sessions, prisoners and visitors from a JSON file "
                    "(format: docs/loading.md). A bad file changes nothing; loading the same "
                    "file again changes nothing more.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def load(settings, path: str) -> None:
    from core.loader import LoadRejected, load_file
    from .container import build
    container = build(settings)
    try:
        with container.uow() as uow:
            report = load_file(uow, container.clock, container.hasher, path)
    except LoadRejected as rejected:
        click.echo(f"{path}: not loaded, {len(rejected.problems)} problem(s):", err=True)
        for problem in rejected.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    finally:
        container.engine.dispose()
    click.echo(report.summary())


@click.command("seed-demo", help="Load the demo prisons, prisoners and visitors (again: it "
                                 "changes nothing), and list the demo callers.")
@click.pass_obj
def seed_demo(settings) -> None:
    from .demo import seed_demo as seed
    from .container import build
    container = build(settings)
    try:
        click.echo(seed(container))
    finally:
        container.engine.dispose()
