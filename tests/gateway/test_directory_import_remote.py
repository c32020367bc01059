"""Importing from another HSDS 3.0 API by URL: our own gateway's API, served by a real
uvicorn server on loopback, imported page by page into a fresh database, gives the same
services; an unreachable or non-HSDS URL is a clear error and writes nothing."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.core.settings import Settings
from bot.directory.exporter import export_services
from bot.directory.importer import import_records
from bot.directory.remote import RemoteError, fetch_services
from bot.directory.store import load
from tests.gateway.conftest import ROOT, migrated_sessions
from tests.gateway.served import served_gateway
from tests.gateway.test_directory_import import row_counts


@pytest.fixture(scope="module")
def api_url(sample_database) -> Iterator[str]:
    """The gateway, on the sample directory, listening on a free loopback port."""
    url, _ = sample_database
    settings = Settings(_env_file=None, database_url=url, rasa_url="http://127.0.0.1:9")
    with served_gateway(settings) as url:
        yield f"{url}/hsds"


def served_total(api_url: str) -> int:
    return int(httpx.get(f"{api_url}/services", params={"per_page": 1}).json()["total_items"])


def test_our_api_imported_by_url_gives_the_same_services(api_url, sample_database, tmp_path):
    _, source = sample_database
    total = served_total(api_url)
    assert total >= 80  # the sample's active, recently assured services

    document = fetch_services(api_url, per_page=7)  # 7 a page: many pages to walk
    _, again = migrated_sessions(tmp_path / "again.db")
    report = import_records(again, document.records)

    assert report.rejected == [] and report.imported == total
    with again() as db:
        imported = export_services(db)
    with source() as db:
        original = load(db, "service", [record["id"] for record in imported])
    assert len(imported) == total == len(original)
    assert imported == list(original.values())  # exactly the source's services, no search_result


def test_the_command_line_imports_an_api_given_by_its_services_url(api_url, tmp_path):
    database, sessions = migrated_sessions(tmp_path / "cli.db")
    result = subprocess.run(
        [sys.executable, "-m", "bot.directory", "--database-url", database, "import"]
        + [f"{api_url}/services", "--per-page", "30"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    total = served_total(api_url)
    assert result.returncode == 0, result.stderr
    assert f"imported {total} of {total} services; rejected 0" in result.stdout
    assert row_counts(sessions)["service"] == total


def test_an_unreachable_url_is_a_clear_error_and_writes_nothing(tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    database, sessions = migrated_sessions(tmp_path / "cli.db")
    before = row_counts(sessions)

    result = subprocess.run(
        [sys.executable, "-m", "bot.directory", "--database-url", database, "import"]
        + [f"http://127.0.0.1:{port}/hsds"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )

    assert result.returncode == 2
    assert f"http://127.0.0.1:{port}/hsds/services: unreachable" in result.stderr
    assert row_counts(sessions) == before


def test_a_url_that_is_not_an_hsds_api_is_a_clear_error(api_url):
    with pytest.raises(RemoteError, match=r"/hsds/profile/services: answered HTTP 404"):
        fetch_services(f"{api_url}/profile")


def answering(pages: dict[int, Any], status: int = 200) -> httpx.Client:
    """A client whose server answers page N with pages[N] (a missing page: HTTP 500)."""

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/services"
        assert request.url.params["full"] == "true"
        page = int(request.url.params["page"])
        if page not in pages:
            return httpx.Response(500, text="boom")
        body = pages[page]
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers={"content-type": "text/html"})
        return httpx.Response(status, json=body)

    return httpx.Client(transport=httpx.MockTransport(handle))


def page(items: list[dict[str, Any]], number: int, total_pages: int) -> dict[str, Any]:
    return {
        "total_items": 99,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number == total_pages,
        "empty": not items,
        "contents": items,
    }


def test_paging_follows_total_pages_and_stops_at_the_last(sample_services):
    one, two, three = sample_services[:3]
    client = answering({1: page([one, two], 1, 2), 2: page([three], 2, 2)})
    document = fetch_services("https://example.org/api", per_page=2, client=client)
    assert [record["id"] for record in document.records] == [one["id"], two["id"], three["id"]]


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ({1: "<html>Welcome</html>"}, "not an HSDS API (the answer is not JSON)"),
        ({1: {"services": []}}, "not an HSDS API (no page of services with 'contents')"),
        (
            {1: page([{"id": "t1", "code": "sport", "taxonomy": "x"}], 1, 1)},
            "not an HSDS API of services (it lists taxonomy term)",
        ),
        ({1: page([{"id": "s1", "status": "active"}], 1, 3)}, "answered HTTP 500 (page 2)"),
    ],
)
def test_a_bad_answer_is_a_clear_error(pages, message):
    # fetch_services reads every page before returning: a failure on any page leaves the
    # import unstarted (the command line's part is shown with an unreachable URL above)
    with pytest.raises(RemoteError, match=re.escape(message)):
        fetch_services("https://example.org/api/", client=answering(pages))


def test_the_fetched_document_is_what_the_api_said(sample_services):
    (one,) = sample_services[:1]
    annotated = {**json.loads(json.dumps(one)), "search_result": {"commune": "ixelles"}}
    document = fetch_services(
        "https://example.org/api", client=answering({1: page([annotated], 1, 1)})
    )
    assert document.records == [one]
    assert document.metadata == {"source": "https://example.org/api/services", "total_items": 99}
