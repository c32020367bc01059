"""The directory's validation against the official HSDS 3.0 schemas."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bot.directory.hsds_schema import problems

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "hsds"  # the official examples, copied
SERVICE_ID = "8d3b8f7e-3c51-4f43-9a63-2f7f4f0c1a00"
SERVICE = {
    "id": SERVICE_ID,
    "name": "École de devoirs (exemple)",
    "status": "active",
    "phones": [{"id": "8d3b8f7e-3c51-4f43-9a63-2f7f4f0c1a01", "number": "02 000 00 00"}],
    "schedules": [
        {
            "id": "8d3b8f7e-3c51-4f43-9a63-2f7f4f0c1a02",
            "freq": "WEEKLY",
            "byday": "WE",
            "opens_at": "14:00",
        }
    ],
}


def test_a_valid_dereferenced_service_has_no_problem():
    assert problems("service", SERVICE) == []


@pytest.mark.parametrize(
    ("kind", "file"),
    [
        ("service", "service_full.json"),
        ("organization", "organization_full.json"),
        ("location", "location.json"),
    ],
)
def test_the_official_examples_validate(kind, file):
    assert problems(kind, json.loads((EXAMPLES / file).read_text())) == []


def test_ids_must_be_uuids_as_hsds_says():
    found = problems("service", {**SERVICE, "id": "svc-1"})
    assert [(p.field, p.message) for p in found] == [("id", "'svc-1' is not a 'uuid'")]


def test_problems_name_the_record_and_the_field():
    broken = copy.deepcopy(SERVICE)
    del broken["name"]
    broken["status"] = "open-ish"
    broken["phones"][0]["number"] = 2025550123
    found = problems("service", broken)
    assert [p.field for p in found] == ["", "phones/0/number", "status"]
    assert all(p.record_id == SERVICE_ID for p in found)
    assert "'name' is a required property" in str(found[0])
    assert str(found[1]).startswith(f"record '{SERVICE_ID}' field 'phones/0/number'")
