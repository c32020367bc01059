"""Every table of benchmark figures the README shows is the one its command generated
(benchmarks/figures/, written by `make bench-*`): a figure edited by hand, or a benchmark
run again without updating the README, fails here (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = sorted((ROOT / "benchmarks" / "figures").glob("*.md"))


def tables_of(markdown: str) -> list[str]:
    """Each table (a run of lines starting with "|") of a markdown text."""
    tables: list[list[str]] = [[]]
    for line in markdown.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    return ["\n".join(rows) for rows in tables if rows]


def test_the_generated_figures_exist():
    assert {path.stem for path in FIGURES} >= {
        "conversations",
        "crisis",
        "crisis_third",
        "danger_heldout",
        "danger_settings",
        "blind_overlap",
        "blind_v2",
        "robustness",
        "crossval",
        "load",
    }


@pytest.mark.parametrize("figures", FIGURES, ids=[path.stem for path in FIGURES])
def test_the_readme_shows_the_generated_tables(figures):
    tables = tables_of(figures.read_text(encoding="utf-8"))
    assert tables, f"{figures.name} holds no table"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for number, table in enumerate(tables, start=1):
        assert table in readme, (
            f"README.md does not show table {number} of {figures.relative_to(ROOT)}: paste it again"
        )


def test_a_table_split_in_two_is_two_tables():
    assert tables_of("a\n| x |\n|---|\ntext\n| y |\n") == ["| x |\n|---|", "| y |"]
