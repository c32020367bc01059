"""The importer: valid and invalid records, precise errors, nothing half-written,
idempotent re-import, and lossless round trips through HSDS JSON and the tabular package."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

from sqlalchemy import func, select

from bot.directory.exporter import export_services
from bot.directory.importer import import_records, read_source
from bot.directory.models import MODELS, SearchEntry
from bot.directory.synthetic import service
from bot.directory.tabular import read_package, write_package
from bot.gateway.migrate import upgrade_to_head
from tests.gateway.conftest import ROOT, SAMPLE, migrated_sessions

OFFICIAL_CSV = ROOT / "tests" / "data" / "hsds" / "csv"


def row_counts(sessions) -> dict[str, int]:
    with sessions() as db:
        counts = {
            kind: db.scalar(select(func.count()).select_from(model))
            for kind, model in MODELS.items()
        }
        counts["search_entry"] = db.scalar(select(func.count()).select_from(SearchEntry))
    return counts


def rows_mentioning(sessions, text: str) -> int:
    """Rows whose document mentions `text` anywhere (an id, a name)."""
    with sessions() as db:
        return sum(
            1
            for model in MODELS.values()
            for document in db.scalars(select(model.document))
            if text in json.dumps(document)
        )


def test_the_sample_directory_imports_completely_and_says_it_is_sample(sample_services):
    metadata, records, unused = read_source(SAMPLE)
    assert metadata["sample"] is True and "SAMPLE" in metadata["title"]
    assert len(records) >= 80 and unused == []


def test_bad_records_are_named_by_id_and_field_and_the_good_ones_load(sessions):
    good = service("good")
    wrong_type = service("wrong-type")
    wrong_type["phones"][0]["number"] = 25
    bad_day = service("bad-day")
    bad_day["schedules"][0]["byday"] = "MONDAY"
    bad_date = service("bad-date")
    bad_date["assured_date"] = "28/02/2026"
    bad_translation = service("bad-translation")
    bad_translation["translations"] = {"de": {"name": "Aktivität"}}
    not_uuid = service("not-uuid")
    not_uuid["id"] = "activity-42"
    missing_name = service("missing-name")
    del missing_name["name"]

    report = import_records(
        sessions,
        [
            wrong_type,
            good,
            bad_day,
            bad_date,
            bad_translation,
            not_uuid,
            missing_name,
            "not an object",
        ],
    )

    assert report.imported == 1 and report.read == 8
    problems = {(problem.record_id, problem.field): problem.message for problem in report.rejected}
    assert "is not of type 'string'" in problems[(wrong_type["id"], "phones/0/number")]
    assert "'MONDAY'" in problems[(bad_day["id"], "schedules/0/byday")]
    assert "not a date" in problems[(bad_date["id"], "assured_date")]
    assert "unknown language 'de'" in problems[(bad_translation["id"], "translations/de")]
    assert "is not a 'uuid'" in problems[("activity-42", "id")]
    assert "'name' is a required property" in problems[(missing_name["id"], "")]
    assert ("?", "") in problems
    with sessions() as db:
        assert [record["id"] for record in export_services(db)] == [good["id"]]


def test_a_record_that_fails_while_writing_leaves_nothing_behind(sessions):
    clash = service("clash", location="shared-place")
    second_place = copy.deepcopy(clash["service_at_locations"][0])
    second_place["id"] = "6d1a8f0e-0000-4000-8000-000000000001"
    second_place["location"]["name"] = "Same id, other content"
    clash["service_at_locations"].append(second_place)
    after = service("after")

    report = import_records(sessions, [clash, after])

    assert report.imported == 1 and report.rejected_ids == [clash["id"]]
    assert rows_mentioning(sessions, clash["id"]) == 0
    assert rows_mentioning(sessions, "Same id, other content") == 0
    assert rows_mentioning(sessions, after["id"]) > 0


def test_a_dry_run_checks_everything_and_writes_nothing(sessions):
    report = import_records(sessions, [service("one"), service("two")], dry_run=True)
    assert report.imported == 2 and report.dry_run
    assert row_counts(sessions)["service"] == 0


def test_reimporting_updates_in_place_and_drops_what_was_removed(sessions):
    first = service("club", byday="MO")
    import_records(sessions, [first])
    counts = row_counts(sessions)
    import_records(sessions, [first])
    assert row_counts(sessions) == counts  # idempotent

    changed = copy.deepcopy(first)
    changed["name"] = "Club renamed"
    changed["phones"] = []
    changed["schedules"][0]["byday"] = "FR"
    import_records(sessions, [changed])

    with sessions() as db:
        (stored,) = export_services(db)
    assert stored["name"] == "Club renamed"
    assert "phones" not in stored or stored["phones"] == []
    assert stored["schedules"][0]["byday"] == "FR"
    assert row_counts(sessions)["phone"] == counts["phone"] - 1


def test_import_export_import_is_lossless_in_json(sample_database, sample_services, tmp_path):
    _, sessions = sample_database
    with sessions() as db:
        exported = export_services(db)
    by_id = {record["id"]: record for record in sample_services}
    assert {record["id"]: record for record in exported} == by_id

    _, again = migrated_sessions(tmp_path / "again.db")
    import_records(again, exported)
    with again() as db:
        assert export_services(db) == exported


def test_the_tabular_package_round_trips(sample_database, tmp_path):
    _, sessions = sample_database
    with sessions() as db:
        exported = export_services(db)
    write_package(exported, tmp_path / "package", {"name": "sample", "sample": True})
    assert (tmp_path / "package" / "datapackage.json").exists()
    assert (tmp_path / "package" / "services.csv").exists()

    metadata, services, unused = read_package(tmp_path / "package")
    assert metadata["sample"] is True and unused == []
    _, again = migrated_sessions(tmp_path / "again.db")
    report = import_records(again, services)
    assert report.imported == len(exported) and not report.rejected
    with again() as db:
        assert export_services(db) == exported


def test_the_official_hsds_tabular_example_is_read(sessions):
    metadata, services, unused = read_package(OFFICIAL_CSV)
    assert [record["name"] for record in services] == ["Community Counselling"]
    assert "contacts.csv" in unused  # no table of ours; reported, not silently dropped
    (record,) = services
    assert record["organization"]["name"] == "Example Organization Inc."
    (place,) = record["service_at_locations"]
    # the schedule row names a service-at-location: the most specific owner keeps it
    assert place["schedules"][0]["byday"] == "TH,FR"
    assert place["location"]["addresses"][0]["city"] == "MyCity"


def test_the_command_line_reports_bad_records_and_exits_non_zero(tmp_path):
    bad = service("cli-bad")
    bad["status"] = "open"
    source = tmp_path / "services.json"
    source.write_text(json.dumps([service("cli-good"), bad]), encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade_to_head(database)  # `python -m bot.gateway migrate`: the command refuses an old schema
    command = [sys.executable, "-m", "bot.directory", "--database-url", database]

    result = subprocess.run(
        [*command, "import", str(source)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 1
    assert "imported 1 of 2 services; rejected 1" in result.stdout
    assert f"record '{bad['id']}' field 'status': 'open' is not one of" in result.stderr

    exported = tmp_path / "export.json"
    result = subprocess.run(
        [*command, "export", str(exported)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0
    assert [record["name"] for record in json.loads(exported.read_text())] == ["Activité cli-good"]


def test_make_run_s_import_leaves_a_directory_with_services_as_it_is(tmp_path):
    """`import --if-empty` (make run): the sample fills an empty directory once; a curator's
    change then survives every restart."""
    source = tmp_path / "services.json"
    source.write_text(json.dumps([service("kept")]), encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'run.db'}"
    upgrade_to_head(database)
    command = [sys.executable, "-m", "bot.directory", "--database-url", database, "import"]
    first = subprocess.run(
        [*command, "--if-empty", str(source)], capture_output=True, text=True, cwd=ROOT
    )
    assert first.returncode == 0 and "imported 1 of 1 services" in first.stdout
    changed = service("kept") | {"name": "Changé par une curatrice"}
    source.write_text(json.dumps([changed]), encoding="utf-8")
    again = subprocess.run(
        [*command, "--if-empty", str(source)], capture_output=True, text=True, cwd=ROOT
    )
    assert again.returncode == 0 and "nothing imported (--if-empty)" in again.stdout
    exported = tmp_path / "export.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.directory",
            "--database-url",
            database,
            "export",
            str(exported),
        ],
        check=True,
        cwd=ROOT,
    )
    assert [record["name"] for record in json.loads(exported.read_text())] == ["Activité kept"]


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    source = tmp_path / "broken.json"
    source.write_text("{not json", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.directory",
            "--database-url",
            f"sqlite:///{tmp_path / 'x.db'}",
            "import",
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2 and "not readable JSON" in result.stderr
