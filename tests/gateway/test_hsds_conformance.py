"""The directory API against the official HSDS 3.0 OpenAPI file, with schemathesis.

Every operation of the reference's file (bot/hsds_api/openapi/openapi.json, tag v3.0, its
remote $refs resolved to the local schema copies) gets generated requests against the real
gateway app (ASGI) with the sample directory, and schemathesis' standard checks. So does
every operation of our own description (/hsds/openapi.json: the reference plus the Brussels
extensions and the status codes we answer), where status codes are checked as well."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from bot.core.settings import Settings
from bot.gateway.app import create_app

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = ROOT / "bot" / "hsds_api" / "openapi" / "openapi.json"
BASE_URL = "http://127.0.0.1/hsds"
EXAMPLES_PER_OPERATION = 40  # 23 operations, 3 without input (/, /profile): about 800 cases

STANDARD_CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]
# Excluded against the official file only: it documents a single status, 200, for every
# operation, so the 404 of an unknown id (/services/{id}...) and the 422 of a value we
# cannot honour (page=0, an unparsable modified_after) can only be undocumented there.
# Our own description documents them, and the run against it keeps this check.
OFFICIAL_CHECKS = [
    check for check in STANDARD_CHECKS if check is not openapi_checks.status_code_conformance
]

CASES: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_case_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    """How many generated cases each operation ran, in pytest's summary."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None or not CASES:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for label, count in sorted(CASES.items()):
            reporter.write_line(f"schemathesis {label}: {count} cases")
        reporter.write_line(f"schemathesis total: {sum(CASES.values())} cases")


@pytest.fixture(scope="module")
def app(sample_database: Any) -> Iterator[FastAPI]:
    url, _ = sample_database
    settings_ = Settings(_env_file=None, database_url=url, rasa_url="http://127.0.0.1:9")
    application = create_app(settings_)
    with TestClient(application):  # runs the lifespan: the database and the settings
        yield application


@pytest.fixture(scope="module")
def official(app: FastAPI) -> schemathesis.schemas.BaseSchema:
    schema = schemathesis.openapi.from_path(OFFICIAL)
    schema.app = app
    return schema


@pytest.fixture(scope="module")
def ours(app: FastAPI) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_asgi("/hsds/openapi.json", app)


def operations(schema: schemathesis.schemas.BaseSchema) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(operation: Any, checks_: list[Any]) -> int:
    """Generated requests for one operation, every response checked; how many ran."""
    ran = 0

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def run(case: Any) -> None:
        nonlocal ran
        ran += 1
        case.call_and_validate(base_url=BASE_URL, checks=checks_)

    run()
    return ran


def test_the_local_copy_is_the_reference_with_local_refs() -> None:
    text = OFFICIAL.read_text(encoding="utf-8")
    assert "raw.githubusercontent.com" not in text
    assert '"$ref": "../../directory/hsds_schemas/compiled/service.json"' in text


def test_every_operation_of_the_official_file(official: Any) -> None:
    found = operations(official)
    assert len(found) == 11  # every endpoint of the API reference
    for operation in found:
        CASES[f"official {operation.label}"] = fuzz(operation, OFFICIAL_CHECKS)
    assert sum(CASES[f"official {op.label}"] for op in found) >= 200


def test_every_operation_of_our_description(ours: Any) -> None:
    found = operations(ours)
    labels = {operation.label for operation in found}
    assert {"GET /services", "GET /service_at_locations/{id}", "GET /profile"} <= labels
    for operation in found:
        CASES[f"ours {operation.label}"] = fuzz(operation, STANDARD_CHECKS)
    assert sum(CASES[f"ours {op.label}"] for op in found) >= 200


def _first_id(client: TestClient, path: str) -> str:
    contents = client.get(f"/hsds{path}", params={"per_page": 1}).json()["contents"]
    return str(contents[0]["id"])


@pytest.mark.parametrize("which", ["official", "ours"])
def test_real_records_and_shapes_conform(app: FastAPI, request: Any, which: str) -> None:
    """Generated ids are unknown (404): these requests name real records, and ask for the
    full, minimal and ndjson shapes, so the 200 answers are checked against the schemas."""
    schema = request.getfixturevalue(which)
    checks_ = OFFICIAL_CHECKS if which == "official" else STANDARD_CHECKS
    with TestClient(app) as client:
        ids = {
            path: _first_id(client, path)
            for path in (
                "/services",
                "/taxonomies",
                "/taxonomy_terms",
                "/organizations",
                "/service_at_locations",
            )
        }
    requests: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        (f"{path}/{{id}}", {"id": record_id}, {}) for path, record_id in ids.items()
    ]
    requests += [
        ("/organizations/{id}", {"id": ids["/organizations"]}, {"full_service": True}),
        ("/services", {}, {"full": True, "per_page": 5}),
        ("/services", {}, {"minimal": True}),
        ("/organizations", {}, {"full": True, "full_service": True}),
        ("/service_at_locations", {}, {"full": True}),
        ("/taxonomy_terms", {}, {"top_only": True}),
    ]
    if which == "ours":  # the official file documents no other media type than JSON
        requests += [("/services", {}, {"format": "ndjson"})]
    for path, path_parameters, query in requests:
        case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(base_url=BASE_URL, checks=checks_)
        assert response.status_code == 200, (path, query)
