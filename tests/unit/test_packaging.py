"""What an installed visitline needs ships with it: the migrations are package data of config,
so `visitline db upgrade` (Procfile `release`) works from a wheel, not only from a checkout."""
from __future__ import annotations

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
