"""`visitline create-staff`: a staff account from the command line (the first administrator)."""
from __future__ import annotations

import sys

import click


def register(main: click.Group) -> None:
    main.add_command(create_staff)


@click.command("create-staff", help="Create a staff account; the first one is usually an "
                                    "administrator: visitline create-staff --admin NAME")
@click.argument("username")
@click.option("--admin", "is_admin", is_flag=True, help="An administrator (every prison).")
@click.option("--prison", "prison_codes", multiple=True,
              help="A prison code this member of staff works for (repeat for more).")
@click.option("--all-prisons", is_flag=True, help="Staff for every prison.")
@click.password_option(help="At least 12 characters (asked for if not given).")
@click.pass_obj
def create_staff(settings, username, is_admin, prison_codes, all_prisons, password) -> None:
    from sqlalchemy import select

    from core.actor import Actor
    from core.models import Prison
    from core.staff import ADMIN, STAFF, Invalid, create_staff as create
    from .container import build
    container = build(settings)
    try:
        with container.uow() as uow:
            codes = [c.upper() for c in prison_codes]
            found = dict(uow.session.execute(select(Prison.code, Prison.id)
                                             .where(Prison.code.in_(codes))).all())
            missing = [c for c in codes if c not in found]
            if missing:
                raise Invalid(f"no prison with code {', '.join(missing)}")
            user = create(uow, container.clock, container.hasher, username=username,
                          password=password, role=ADMIN if is_admin else STAFF,
                          prison_ids=list(found.values()), all_prisons=all_prisons,
                          actor=Actor.system("admin"))
    except Invalid as problem:
        click.echo(f"not created: {problem.message}", err=True)
        sys.exit(1)
    finally:
        container.engine.dispose()
    role = "administrator" if is_admin else "staff"
    click.echo(f"created {role} {user.username}; sign in at /admin/sign-in")
