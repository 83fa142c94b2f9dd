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



def _pins(lock: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, version = line.split(" ")[0].split("==")
            pins[_canonical(name)] = version
    return pins


def _canonical(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def _names(specs: list[str]) -> set[str]:
    return {_canonical(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in specs}


def test_every_dependency_is_pinned_in_the_lock_files():
    """A deploy installs what the tests ran (pip install --require-hashes -r requirements.lock),
    not whatever is newest that day: every direct dependency has a pin, test tools in the
    test lock."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _names(project["dependencies"])
    everything = runtime | _names([s for extra in project["optional-dependencies"].values()
                                   for s in extra])
    assert runtime and sorted(runtime - set(_pins("requirements.lock"))) == []
    assert sorted(everything - set(_pins("requirements-test.lock"))) == []


def test_the_tests_run_the_versions_a_deploy_installs():
    deployed, tested = _pins("requirements.lock"), _pins("requirements-test.lock")
    differ = {name: (v, tested.get(name)) for name, v in deployed.items() if tested.get(name) != v}
    assert deployed and differ == {}
