"""Every table of benchmark figures the README shows is the one its command generated
(benchmarks/figures/, written by `make bench-*`): a figure edited by hand, or a benchmark
run again without updating the README, fails here (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = sorted((ROOT / "benchmarks" / "figures").glob("*.md"))


def table_of(markdown: str) -> str:
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    return "\n".join(rows)


def test_the_generated_figures_exist():
    assert {path.stem for path in FIGURES} >= {
        "conversations",
        "crisis",
        "blind_overlap",
        "blind_v2",
    }


@pytest.mark.parametrize("figures", FIGURES, ids=[path.stem for path in FIGURES])
def test_the_readme_shows_the_generated_table(figures):
    table = table_of(figures.read_text(encoding="utf-8"))
    assert table, f"{figures.name} holds no table"
    assert table in (ROOT / "README.md").read_text(encoding="utf-8"), (
        f"README.md does not show the table of {figures.relative_to(ROOT)}: paste it again"
    )
