"""Fault tests' figures (texts lost, sent twice, seconds to recover), printed whether the test
passes or fails, so a run's output carries them."""
from __future__ import annotations


def report(capsys, name: str, **figures) -> None:
    shown = ", ".join(f"{key.replace('_', ' ')} {value:.1f}" if isinstance(value, float)
                      else f"{key.replace('_', ' ')} {value}" for key, value in figures.items())
    with capsys.disabled():
        print(f"\n[figures] {name}: {shown}")
