"""Where a benchmark's figures go: its data and table under var/results/ (the run's
artifacts) and its table under benchmarks/figures/ (committed; the README shows it and
tests/unit/test_readme_figures.py compares the two)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "var" / "results"
FIGURES = ROOT / "benchmarks" / "figures"


def publish(name: str, markdown: str, data: Any | None = None) -> None:
    """`name`.md in both places, and `name`.json under var/results/ when there is data."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    FIGURES.mkdir(parents=True, exist_ok=True)
    if data is not None:
        (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    for folder in (RESULTS, FIGURES):
        (folder / f"{name}.md").write_text(markdown, encoding="utf-8")
