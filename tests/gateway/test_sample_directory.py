"""The SAMPLE directory generator: data/activities/sample-sources.yml holds its texts and
places, scripts/build_sample_directory.py turns them into the committed
sample-directory.json, byte for byte, and everything it makes says it is sample data."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from bot.hsds_profile import stable_id
from scripts.build_sample_directory import build, check, render
from scripts.sample_directory_sources import SOURCES, Sources
from tests.gateway.conftest import ROOT, SAMPLE

SCRIPT = ROOT / "scripts" / "build_sample_directory.py"
UNDIALLABLE = re.compile(r"^\+32 2 000 \d\d \d\d$")


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    """The script as data/activities/README.md runs it, from the repository root."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_script_regenerates_the_committed_sample_byte_for_byte(tmp_path: Path) -> None:
    output = tmp_path / "sample-directory.json"

    written = run_script("--output", str(output))

    assert written.returncode == 0, written.stderr
    assert written.stdout.endswith("0 problems\n")
    assert output.read_bytes() == SAMPLE.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sample-directory.json"]


def test_the_committed_sample_passes_the_check_and_its_stats_are_the_readme_tables() -> None:
    checked = run_script("--check")
    stats = run_script("--stats")

    assert checked.returncode == 0 and checked.stdout == "0 problems\n", checked.stderr
    readme = (ROOT / "data" / "activities" / "README.md").read_text(encoding="utf-8")
    assert stats.returncode == 0 and stats.stdout.strip() in readme


def test_every_service_is_marked_sample() -> None:
    sources = Sources.read()
    directory = build(sources)
    metadata, services = directory["metadata"], directory["services"]
    expected_ids = {
        stable_id("sample", "service", f"{org.slug}-{key.replace('_', '-')}")
        for org in sources.organisations
        for key in org.activities
    }

    assert SOURCES.read_text(encoding="utf-8").startswith("# SAMPLE DATA.")
    assert metadata["sample"] is True
    assert "SAMPLE" in metadata["title"] and "SAMPLE" in metadata["description"]
    assert json.loads(SAMPLE.read_text(encoding="utf-8"))["metadata"] == metadata
    assert {service["id"] for service in services} == expected_ids
    assert len(services) == len(expected_ids) >= 90
    for service in services:
        assert [UNDIALLABLE.match(phone["number"]) is not None for phone in service["phones"]] == [
            True
        ], service["name"]


def test_the_texts_come_from_the_data_file(tmp_path: Path) -> None:
    edited = tmp_path / "sample-sources.yml"
    text = SOURCES.read_text(encoding="utf-8")
    edited.write_text(text.replace("fr: Club des seniors,", "fr: Club des aînés,"), "utf-8")

    services = build(Sources.read(edited))["services"]

    names = [service["name"] for service in services]
    assert "Club des aînés - Les Mésanges" in names
    assert not any(name.startswith("Club des seniors") for name in names)


def test_the_check_finds_a_sample_that_is_out_of_date(tmp_path: Path) -> None:
    sources = Sources.read()
    directory = build(sources)
    directory["services"][0]["description"] = "Changed by hand."
    stale = tmp_path / "sample-directory.json"
    stale.write_text(render(directory), encoding="utf-8")

    assert check(sources, stale) == ["sample-directory.json is out of date: run the script again"]
