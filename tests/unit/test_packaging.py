"""What an installed visitline needs ships with it: the migrations are package data of config,
so `visitline db upgrade` (Procfile `release`) works from a wheel, not only from a checkout."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from config.migrate import MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]


def test_every_migration_file_is_shipped_as_package_data_of_config():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["config"]
    config = ROOT / "config"
    files = [p.relative_to(config) for p in MIGRATIONS.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    assert MIGRATIONS.parent == config and files
    assert [f for f in files if not any(f.match(g) for g in globs)] == []


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, version = line.split("==")
            pins[_canonical(name)] = version.strip()
    return pins


def _canonical(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def test_every_dependency_is_pinned_in_the_lock_file():
    """A deploy installs what the tests ran (pip install -c requirements.lock), not whatever is
    newest that day: every direct dependency, test tools included, has a pin."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    names = {_canonical(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in wanted}
    assert names and sorted(names - set(_pins())) == []
