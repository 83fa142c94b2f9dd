"""`visitline create-staff` makes the first administrator, who can then sign in."""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from config.cli import main
from config.db import make_engine
from core.models import StaffUser


def test_create_the_first_administrator(databases, tmp_path):
    url = databases.fresh_url("sqlite")
    env = {"DATABASE_URL": url, "VISITLINE_ENV": "test", "VISITLINE_INSTANCE": str(tmp_path)}
    runner = CliRunner()
    result = runner.invoke(main, ["create-staff", "--admin", "Boss",
                                  "--password", "a long enough password"], env=env)
    assert result.exit_code == 0, result.output
    assert "created administrator boss" in result.output
    short = runner.invoke(main, ["create-staff", "clerk", "--all-prisons", "--password", "short"],
                          env=env)
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    unknown = runner.invoke(main, ["create-staff", "clerk", "--prison", "XYZ",
                                   "--password", "a long enough password"], env=env)
    assert unknown.exit_code == 1 and "no prison with code XYZ" in unknown.output
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(StaffUser.username, StaffUser.role,
                                         StaffUser.password_hash)).all()
    engine.dispose()
    assert [(r.username, r.role) for r in rows] == [("boss", "admin")]
    assert rows[0].password_hash.startswith("$argon2id$")
