"""The directory's validation against the official HSDS 3.0 schemas."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bot.directory.hsds_schema import problems

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "hsds"  # the official examples, copied
SERVICE = {
    "id": "svc-1",
    "name": "École de devoirs (exemple)",
    "status": "active",
    "phones": [{"id": "ph-1", "number": "02 000 00 00"}],
    "schedules": [{"id": "sch-1", "freq": "WEEKLY", "byday": "WE", "opens_at": "14:00"}],
}


def test_a_valid_dereferenced_service_has_no_problem():
    assert problems("service", SERVICE) == []


@pytest.mark.parametrize(("kind", "file"), [("service", "service_full.json"),
                                            ("organization", "organization_full.json"),
                                            ("location", "location.json")])  # fmt: skip
def test_the_official_examples_validate(kind, file):
    assert problems(kind, json.loads((EXAMPLES / file).read_text())) == []


def test_problems_name_the_record_and_the_field():
    broken = copy.deepcopy(SERVICE)
    del broken["name"]
    broken["status"] = "open-ish"
    broken["phones"][0]["number"] = 2025550123
    found = problems("service", broken)
    assert [p.field for p in found] == ["", "phones/0/number", "status"]
    assert all(p.record_id == "svc-1" for p in found)
    assert "'name' is a required property" in str(found[0])
    assert str(found[1]).startswith("record 'svc-1' field 'phones/0/number'")
