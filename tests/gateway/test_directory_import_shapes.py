"""Every shape of the official HSDS 3.0 examples (openreferral/specification v3.0, copied
under tests/data/hsds/) imports and re-exports unchanged, or, for a kind that holds no
service, is refused with a message that says so; records repeated inside one document are
stored once, conflicting ones are rejected by name."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import select

from bot.directory.exporter import export_services
from bot.directory.importer import NothingToImport, SourceError, import_records, read_source
from bot.directory.models import SearchEntry
from bot.directory.store import load
from bot.directory.structure import ARRAYS, REFERENCES
from bot.directory.synthetic import service
from bot.gateway.migrate import upgrade_to_head
from tests.gateway.conftest import ROOT
from tests.gateway.test_directory_import import row_counts, rows_mentioning

OFFICIAL = ROOT / "tests" / "data" / "hsds"
# Every JSON example of the reference at v3.0, and the CSV package.
HOLDING_SERVICES = [
    "service_full.json",
    "service_list.json",
    "organization_full.json",
    "service_at_location_full.json",
    "service_at_location_list.json",
    "tabular.json",
    "csv",
]
HOLDING_NO_SERVICE = {
    "location.json": "an HSDS location holds no service",
    "taxonomy.json": "an HSDS taxonomy holds no service",
    "taxonomy_list.json": "a page of HSDS taxonomies holds no service",
    "taxonomy_term.json": "an HSDS taxonomy term holds no service",
    "taxonomy_term_list.json": "a page of HSDS taxonomy terms holds no service",
    "base.json": "an HSDS API root holds no service",
}


def test_every_official_example_is_covered():
    examples = {path.name for path in OFFICIAL.glob("*.json")}
    assert examples == {*HOLDING_SERVICES, *HOLDING_NO_SERVICE, "organization_list.json"} - {"csv"}


def with_reference_ids(kind: str, record: Any) -> Any:
    """The one normalisation of the comparisons: the store keeps an embedded organization,
    location, term or taxonomy by its id, and so writes the id field HSDS defines for it
    (organization_id, location_id, taxonomy_term_id, taxonomy_id) next to it when the
    source left it out (the official examples do). Nothing else may change."""
    if not isinstance(record, dict):
        return record
    out = dict(record)
    for field, (ref_kind, id_field) in REFERENCES.get(kind, {}).items():
        if isinstance(out.get(field), dict) and "id" in out[field]:
            out.setdefault(id_field, out[field]["id"])
            out[field] = with_reference_ids(ref_kind, out[field])
    for field, child_kind in ARRAYS.get(kind, {}).items():
        if isinstance(out.get(field), list):
            out[field] = [with_reference_ids(child_kind, child) for child in out[field]]
    return out


def phone_ids(record: Any) -> set[str]:
    """The ids of every phone anywhere in a record."""
    found: set[str] = set()
    if isinstance(record, dict):
        for key, value in record.items():
            if key == "phones" and isinstance(value, list):
                found |= {phone["id"] for phone in value}
            found |= phone_ids(value)
    elif isinstance(record, list):
        for item in record:
            found |= phone_ids(item)
    return found


@pytest.mark.parametrize("name", HOLDING_SERVICES)
def test_each_official_example_holding_services_imports_and_exports_unchanged(sessions, name):
    metadata, records, _ = read_source(OFFICIAL / name)
    imported = copy.deepcopy(records)

    report = import_records(sessions, records)

    assert report.rejected == [] and report.imported == report.read == len(records) >= 1
    with sessions() as db:
        exported = export_services(db)
    assert exported == sorted(
        (with_reference_ids("service", record) for record in imported), key=lambda r: r["id"]
    )
    assert records == imported  # the importer did not change what it was given


def test_an_organization_keeps_its_services_and_itself(sessions):
    source = json.loads((OFFICIAL / "organization_full.json").read_text())
    _, records, _ = read_source(OFFICIAL / "organization_full.json")
    import_records(sessions, records)
    with sessions() as db:
        (exported,) = export_services(db)
        stored = load(db, "organization", [source["id"]])[source["id"]]
    assert exported["id"] == source["services"][0]["id"]
    assert exported["organization"] == stored
    assert stored == {key: value for key, value in source.items() if key != "services"}


def test_a_service_at_location_brings_its_service_at_that_location(sessions):
    source = json.loads((OFFICIAL / "service_at_location_full.json").read_text())
    _, records, _ = read_source(OFFICIAL / "service_at_location_full.json")
    import_records(sessions, records)
    with sessions() as db:
        (exported,) = export_services(db)
    assert exported["id"] == source["service"]["id"]
    (place,) = exported["service_at_locations"]
    assert place["id"] == source["id"] and place["location"] == source["location"]


def test_a_page_of_organizations_without_services_keeps_the_organizations(sessions):
    source = json.loads((OFFICIAL / "organization_list.json").read_text())
    metadata, records, _ = read_source(OFFICIAL / "organization_list.json")
    assert metadata["total_items"] == source["total_items"]

    report = import_records(sessions, records)

    assert report.rejected == [] and report.imported == 0
    assert report.organizations == len(source["contents"]) >= 1
    ids = [item["id"] for item in source["contents"]]
    with sessions() as db:
        assert list(load(db, "organization", ids).values()) == source["contents"]
        assert export_services(db) == []


@pytest.mark.parametrize(("name", "message"), sorted(HOLDING_NO_SERVICE.items()))
def test_a_document_that_holds_no_service_is_refused_by_the_command_line(tmp_path, name, message):
    with pytest.raises(NothingToImport, match=message):
        read_source(OFFICIAL / name)

    database = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade_to_head(database)
    result = subprocess.run(
        [sys.executable, "-m", "bot.directory", "--database-url", database, "import"]
        + [str(OFFICIAL / name)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert f"{name}: {message}; nothing to import" in result.stderr
    assert "imported" not in result.stdout


def test_a_record_repeated_in_one_document_is_stored_once(sessions):
    _, (record,), _ = read_source(OFFICIAL / "service_full.json")
    language_id = record["languages"][0]["id"]
    assert record["phones"][0]["languages"][0]["id"] == language_id  # reached twice

    import_records(sessions, [record])

    assert row_counts(sessions)["language"] == 1
    with sessions() as db:
        (exported,) = export_services(db)
    assert exported["languages"] == record["languages"]
    assert exported["phones"][0]["languages"] == record["phones"][0]["languages"]


def test_a_language_stored_under_another_owner_still_counts_for_search(sessions):
    _, (record,), _ = read_source(OFFICIAL / "service_full.json")
    code = record["languages"][0]["code"]
    import_records(sessions, [record])
    with sessions() as db:
        entries = db.scalars(select(SearchEntry.languages)).all()
    # the row is the organization's phone's language; the service's copy is searched too
    assert entries and all(f" {code} " in languages for languages in entries)


def test_reimporting_a_document_with_repeats_changes_nothing(sessions):
    _, records, _ = read_source(OFFICIAL / "organization_full.json")
    import_records(sessions, records)
    counts = row_counts(sessions)
    with sessions() as db:
        first = export_services(db)

    report = import_records(sessions, copy.deepcopy(records))

    assert report.rejected == [] and row_counts(sessions) == counts
    with sessions() as db:
        assert export_services(db) == first


def test_two_services_of_one_document_share_a_phone_and_both_keep_it(sessions):
    first, second = service("first"), service("second")
    second["phones"] = copy.deepcopy(first["phones"])  # the same phone record in both

    report = import_records(sessions, [first, second])

    assert report.rejected == [] and report.imported == 2
    assert row_counts(sessions)["phone"] == len(phone_ids(first) | phone_ids(second))
    with sessions() as db:
        by_id = {record["id"]: record for record in export_services(db)}
    assert by_id[second["id"]]["phones"] == by_id[first["id"]]["phones"] == first["phones"]


def test_the_same_id_with_other_content_in_one_service_is_rejected_by_name(sessions):
    _, (record,), _ = read_source(OFFICIAL / "service_full.json")
    record["languages"][0]["name"] = "Not the language its phone speaks"
    language_id = record["languages"][0]["id"]

    report = import_records(sessions, [record])

    assert report.imported == 0 and report.rejected_ids == [record["id"]]
    (problem,) = report.rejected
    assert f"language '{language_id}' appears twice with different content" in problem.message
    assert "languages/0" in problem.message
    assert rows_mentioning(sessions, record["id"]) == 0


def test_a_shared_record_given_twice_with_other_content_in_one_import_is_rejected(sessions):
    first, second = service("first"), service("second")
    second["organization"] = copy.deepcopy(first["organization"])
    second["organization"]["name"] = "Another name, same id"

    report = import_records(sessions, [first, second])

    assert report.imported == 1 and report.rejected_ids == [second["id"]]
    assert "differs from the organization with that id given earlier in this import" in str(
        report.rejected[0]
    )
    with sessions() as db:
        (kept,) = export_services(db)
    assert kept["organization"]["name"] == first["organization"]["name"]
    assert rows_mentioning(sessions, "Another name, same id") == 0


def test_a_phone_already_stored_with_other_content_is_a_conflict_not_an_overwrite(sessions):
    first = service("first")
    import_records(sessions, [first])
    second = service("second")
    second["phones"] = copy.deepcopy(first["phones"])
    second["phones"][0]["number"] = first["phones"][0]["number"] + "9"

    report = import_records(sessions, [second])

    assert report.rejected_ids == [second["id"]]
    assert "is already stored, with other content" in report.rejected[0].message
    with sessions() as db:
        (kept,) = export_services(db)
    assert kept["phones"] == first["phones"]


def test_an_unknown_json_shape_is_a_clear_error_and_writes_nothing(tmp_path):
    source = tmp_path / "odd.json"
    source.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade_to_head(database)
    result = subprocess.run(
        [sys.executable, "-m", "bot.directory", "--database-url", database, "import"]
        + [str(source)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2 and "odd.json: expected an HSDS object" in result.stderr


def test_the_command_line_imports_an_organization_and_reports_it(tmp_path):
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade_to_head(database)
    command = [sys.executable, "-m", "bot.directory", "--database-url", database, "import"]
    result = subprocess.run(
        [*command, str(OFFICIAL / "organization_list.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "imported 0 of 0 services; rejected 0" in result.stdout
    assert "kept 1 organization without services" in result.stdout


def test_a_service_given_twice_in_one_document_is_stored_once_or_rejected_if_it_differs(
    sessions,
):
    same, other = service("twice"), service("other")
    changed = copy.deepcopy(other)
    changed["name"] = "Other, renamed in the same file"

    report = import_records(sessions, [same, copy.deepcopy(same), other, changed])

    assert report.imported == 3 and report.rejected_ids == [other["id"]]
    message = f"service '{other['id']}' appears twice in this import with different content"
    assert message in str(report.rejected[0])
    with sessions() as db:
        by_id = {record["id"]: record for record in export_services(db)}
    assert by_id == {same["id"]: same, other["id"]: other}  # the first one is kept as given


def test_service_at_locations_that_disagree_on_their_service_refuse_the_document(tmp_path):
    page = json.loads((OFFICIAL / "service_at_location_list.json").read_text())
    second = copy.deepcopy(page["contents"][0])
    second["id"] = "0b6b2a9e-0000-4000-8000-000000000002"
    second["service"]["name"] = "Another name for the same service"
    page["contents"].append(second)
    source = tmp_path / "places.json"
    source.write_text(json.dumps(page), encoding="utf-8")

    with pytest.raises(SourceError, match="differs between the service-at-locations"):
        read_source(source)
