"""Issue 20's cuts of the gateway's CPU per message keep its behaviour: the directory's
records kept in memory (bot/directory/cache.py) are dropped by every directory write that
commits (an import, in this process or another one; a dry run or a rolled-back write
drops nothing), and never changed by what a request makes of them."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import make_engine, make_session_factory
from bot.core.settings import Settings
from bot.directory import cache
from bot.directory import generation as directory_generation
from bot.directory import store as directory_store
from bot.directory.importer import import_records
from bot.gateway.app import create_app
from tests.gateway.conftest import SAMPLE, migrated_sessions

SEARCH = {"commune": "molenbeek-saint-jean", "taxonomy_term": "homework_help", "full": "true"}


@pytest.fixture
def directory(tmp_path: Path) -> tuple[str, sessionmaker, list[dict]]:
    """A database of its own with the sample directory (these tests write to it)."""
    url, sessions = migrated_sessions(tmp_path / "gateway.db")
    services = json.loads(SAMPLE.read_text(encoding="utf-8"))["services"]
    report = import_records(sessions, services)
    assert report.imported == len(services) and not report.rejected
    return url, sessions, services


@pytest.fixture
def client(directory):
    url, _, _ = directory
    settings = Settings(_env_file=None, database_url=url, rasa_url="http://127.0.0.1:9")
    with TestClient(create_app(settings)) as client:
        yield client


def generation(sessions: sessionmaker) -> int | None:
    with sessions() as session:
        return directory_generation.generation(session)


def test_a_committed_directory_write_raises_the_generation_and_a_dry_run_does_not(directory):
    _, sessions, services = directory
    before = generation(sessions)
    assert before is not None and before > 0  # the import raised it
    import_records(sessions, services[:2], dry_run=True)
    assert generation(sessions) == before
    with sessions() as session:
        directory_store.save(session, "service", copy.deepcopy(services[0]))
        session.rollback()
    assert generation(sessions) == before
    import_records(sessions, services[:1])
    assert generation(sessions) > before


def test_an_import_by_another_process_is_served_at_once(client, directory, tmp_path):
    """The import runs on another engine (`python -m bot.directory import`, another gateway
    worker): the app's kept records of the changed service are not served again."""
    url, _, services = directory
    first = client.get("/hsds/services", params=SEARCH).json()["contents"]
    assert first
    changed_id = first[0]["id"]
    again = client.get("/hsds/services", params=SEARCH).json()["contents"]
    assert again == first  # served from memory: the same answer

    record = copy.deepcopy(next(s for s in services if s["id"] == changed_id))
    record["name"] = "Renamed by a later import"
    record["description"] = "A description the previous import did not have."
    other_process = make_session_factory(make_engine(url))
    report = import_records(other_process, [record])
    assert report.imported == 1 and not report.rejected

    after = client.get("/hsds/services", params=SEARCH).json()["contents"]
    renamed = next(item for item in after if item["id"] == changed_id)
    assert renamed["name"] == "Renamed by a later import"
    assert renamed["description"] == "A description the previous import did not have."
    single = client.get(f"/hsds/services/{changed_id}").json()
    assert {key: value for key, value in renamed.items() if key != "search_result"} == single


def test_a_shared_record_changed_alone_is_served_at_once(client, directory):
    """An organization imported again on its own (no service re-imported) changes what every
    one of its services embeds."""
    url, _, services = directory
    first = client.get("/hsds/services", params=SEARCH).json()["contents"]
    organization = copy.deepcopy(first[0]["organization"])
    organization["name"] = "An organization renamed"
    organization["description"] = organization.get("description") or "Its description."
    organization["website"] = "https://example.org/renamed"  # an organization's own field
    report = import_records(make_session_factory(make_engine(url)), [organization])
    assert report.organizations == 1 and not report.rejected, report.rejected
    after = client.get("/hsds/services", params=SEARCH).json()["contents"]
    assert after[0]["organization"]["name"] == "An organization renamed"


def test_requests_do_not_change_the_kept_records(client, directory):
    full = client.get("/hsds/services", params=SEARCH).json()["contents"]
    short = client.get("/hsds/services", params={**SEARCH, "full": "false"}).json()["contents"]
    minimal = client.get("/hsds/services", params={**SEARCH, "full": "false", "minimal": "true"})
    minimal = minimal.json()
    again = client.get("/hsds/services", params=SEARCH).json()["contents"]
    assert again == full and short and minimal["contents"]
    engine = client.app.state.engine
    kept = cache._records_of(engine).records
    assert kept and all("search_result" not in record for record in kept.values())
    assert all("phones" not in item for item in short)  # one-to-one fields only, still


def test_records_are_loaded_once_until_the_directory_changes(directory, monkeypatch):
    _, sessions, services = directory
    loaded: list[list[str]] = []
    real_load = directory_store.load

    def counting_load(session: Session, kind: str, ids) -> dict:
        ids = list(ids)
        if kind == "service":  # not its own calls for the records services refer to
            loaded.append(ids)
        return real_load(session, kind, ids)

    monkeypatch.setattr(directory_store, "load", counting_load)
    wanted = [service["id"] for service in services[:3]]
    with sessions() as session:
        first = cache.cached_load(session, "service", wanted)
    with sessions() as session:
        second = cache.cached_load(session, "service", list(reversed(wanted)))
    assert list(first) == wanted and list(second) == list(reversed(wanted))
    assert second == first and loaded == [wanted]  # the second came from memory

    import_records(sessions, services[:1])
    with sessions() as session:
        cache.cached_load(session, "service", wanted)
    assert len(loaded) == 2  # dropped by the import, loaded again


def test_a_transaction_that_wrote_reads_around_the_cache(directory):
    """Its own uncommitted records must not be kept: it may still roll back."""
    _, sessions, services = directory
    record = copy.deepcopy(services[0])
    record["name"] = "Not committed"
    with sessions() as session:
        directory_store.save(session, "service", record)
        seen = cache.cached_load(session, "service", [record["id"]])
        assert seen[record["id"]]["name"] == "Not committed"
        session.rollback()
    with sessions() as session:
        after = cache.cached_load(session, "service", [record["id"]])
    assert after[record["id"]]["name"] == services[0]["name"]
