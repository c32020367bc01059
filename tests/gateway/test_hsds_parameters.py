"""Every query parameter of the HSDS 3.0 API reference filters (some services, not all),
the minimal and full shapes validate against the compiled schemas, paging adds up, and
what the API cannot honour is a 422 that says why.

The sample directory has neither coordinates nor modification dates: this module imports
it with both added to part of it (latitude/longitude on the places, last_modified or
metadata on the services), so that `proximity` and `modified_after` have data to filter."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from bot.core.settings import Settings
from bot.directory.hsds_schema import SCHEMA_DIR
from bot.directory.importer import import_records, read_source
from bot.gateway.app import create_app
from tests.gateway.conftest import SAMPLE, migrated_sessions

COMPILED = SCHEMA_DIR  # the official schemas, kept once
MODIFIED = "2026-06-01T00:00:00+00:00"  # the later half of the services changed from then


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((COMPILED / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(name: str, items: list[dict[str, Any]]) -> None:
    assert items
    found = [
        f"{item.get('id')}: {error.message}"
        for item in items
        for error in validator(name).iter_errors(item)
    ]
    assert found == []


def _enriched() -> list[dict[str, Any]]:
    """The sample with a point on about half of the places, a modification time on each
    service (last_modified on even ones, metadata's last_action_date on odd ones) and no
    audience on a third of them."""
    _, records, _ = read_source(SAMPLE)
    for index, service in enumerate(records):
        stamp = f"2026-{1 + index % 12:02d}-15T10:30:00Z"
        if index % 2:
            service["metadata"] = [
                {
                    "id": f"00000000-0000-4000-8000-{index:012d}",
                    "resource_id": service["id"],
                    "resource_type": "service",
                    "last_action_date": stamp,
                    "last_action_type": "update",
                    "field_name": "name",
                    "previous_value": "",
                    "replacement_value": service["name"],
                    "updated_by": "test",
                }
            ]
        else:
            service["last_modified"] = stamp
        if index % 3 == 0:  # every service has an audience in the sample: not these
            service["attributes"] = [
                attribute
                for attribute in service["attributes"]
                if attribute["taxonomy_term"]["taxonomy"] != "bxl-audiences"
            ]
        for place in service["service_at_locations"]:
            location = place.get("location") or {}
            if len(location.get("id", "")) and int(location["id"][:2], 16) % 2 == 0:
                number = int(location["id"][2:6], 16)
                location["latitude"] = 50.80 + (number % 100) / 1000
                location["longitude"] = 4.30 + (number // 100 % 100) / 1000
    return records


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return _enriched()


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]
) -> Iterator[TestClient]:
    url, sessions = migrated_sessions(tmp_path_factory.mktemp("enriched") / "gateway.db")
    report = import_records(sessions, records)
    assert report.imported == len(records) and not report.rejected, report.rejected
    settings = Settings(_env_file=None, database_url=url, rasa_url="http://127.0.0.1:9")
    with TestClient(create_app(settings)) as client:
        yield client


def everything(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list (format=ndjson: all results, no paging)."""
    response = client.get(f"/hsds{path}", params={**params, "format": "ndjson"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def some_not_all(found: set[str], every: set[str]) -> None:
    assert found and found < every


# --- the reference's parameters -------------------------------------------------------


def test_search_finds_words_in_each_list(client):
    services = everything(client, "/services")
    found = everything(client, "/services", search="devoirs", full="true")
    some_not_all(ids(found), ids(services))
    for path, word in [
        ("/organizations", "asbl"),
        ("/taxonomy_terms", "sport"),
        ("/taxonomies", "publics"),
    ]:
        every, matching = everything(client, path), everything(client, path, search=word)
        some_not_all(ids(matching), ids(every))


def test_organization_id_keeps_that_organizations_services(client):
    services = everything(client, "/services")
    owner = max(
        {item["organization_id"] for item in services},
        key=lambda owner: sum(item["organization_id"] == owner for item in services),
    )
    found = everything(client, "/services", organization_id=owner)
    assert len(found) >= 2 and {item["organization_id"] for item in found} == {owner}
    assert ids(found) == {item["id"] for item in services if item["organization_id"] == owner}
    places = everything(client, "/service_at_locations", organization_id=owner)
    assert places and {place["service_id"] for place in places} == ids(found)


def _term_ids(service: dict[str, Any]) -> set[str]:
    return {attribute["taxonomy_term_id"] for attribute in service.get("attributes", [])}


def test_taxonomy_term_id_keeps_services_with_the_term_or_a_narrower_one(client):
    terms = everything(client, "/taxonomy_terms")
    sport = next(term for term in terms if term["code"] == "sport")
    narrower = {term["id"] for term in terms if term.get("parent_id") == sport["id"]}
    every = everything(client, "/services", full="true")
    found = everything(client, "/services", taxonomy_term_id=sport["id"], full="true")
    some_not_all(ids(found), ids(every))
    assert all(_term_ids(item) & ({sport["id"]} | narrower) for item in found)
    assert ids(found) == {
        item["id"] for item in every if _term_ids(item) & ({sport["id"]} | narrower)
    }
    places = everything(client, "/service_at_locations", taxonomy_term_id=sport["id"])
    assert {place["service_id"] for place in places} == ids(found)
    assert everything(client, "/services", taxonomy_term_id="no-such-term") == []


def test_taxonomy_id_keeps_services_with_a_term_of_that_taxonomy(client):
    terms = everything(client, "/taxonomy_terms")
    audiences = next(
        item for item in everything(client, "/taxonomies") if item["name"].startswith("Publics")
    )
    audience_terms = {term["id"] for term in terms if term["taxonomy_id"] == audiences["id"]}
    every = everything(client, "/services", full="true")
    found = everything(client, "/services", taxonomy_id=audiences["id"], full="true")
    some_not_all(ids(found), ids(every))
    assert ids(found) == {item["id"] for item in every if _term_ids(item) & audience_terms}
    listed = everything(client, "/taxonomy_terms", taxonomy_id=audiences["id"])
    assert ids(listed) == audience_terms


def test_modified_after_compares_last_modified_or_the_metadata(client, records):
    every = everything(client, "/services", minimal="true")
    found = everything(client, "/services", modified_after=MODIFIED)
    some_not_all(ids(found), ids(every))
    changed = {
        service["id"]
        for service in records
        if (service.get("last_modified") or service["metadata"][0]["last_action_date"])
        >= "2026-06-01"
    }
    assert ids(found) == ids(every) & changed
    # "on or after": a service changed at that very instant is in, not a millisecond later
    at = ids(everything(client, "/services", modified_after="2026-07-15T10:30:00Z"))
    after = ids(everything(client, "/services", modified_after="2026-07-15T10:30:00.001Z"))
    july = {service["id"] for service in records if "2026-07-15" in json.dumps(service)}
    assert after < at and at - after == july & ids(every)
    places = everything(client, "/service_at_locations", modified_after=MODIFIED)
    assert {place["service_id"] for place in places} == ids(found)


def test_minimal_is_every_result_on_one_page_with_id_and_date(client):
    page = client.get("/hsds/services", params={"minimal": "true"}).json()
    assert page["total_pages"] == 1 and page["size"] == page["total_items"] > 20
    assert_valid("compiled/service_list", page["contents"])
    assert all(set(item) == {"id", "name", "status", "last_modified"} for item in page["contents"])
    paged = client.get("/hsds/services", params={"minimal": "true", "per_page": 7}).json()
    assert paged["size"] == 7 and paged["total_pages"] == math.ceil(paged["total_items"] / 7)


def test_full_shapes_validate_against_the_compiled_schemas(client):
    services = client.get("/hsds/services", params={"full": "true", "per_page": 10}).json()
    assert_valid("compiled/service", services["contents"])
    assert all(item["phones"] and item["schedules"] for item in services["contents"])
    listed = client.get("/hsds/services", params={"per_page": 10}).json()["contents"]
    assert_valid("compiled/service_list", listed)
    assert not any("phones" in item for item in listed)

    organizations = client.get("/hsds/organizations", params={"full": "true"}).json()
    assert_valid("compiled/organization", organizations["contents"])
    assert all(
        org["services"] and "phones" not in org["services"][0] for org in organizations["contents"]
    )
    nested = client.get("/hsds/organizations", params={"full_service": "true"}).json()
    assert_valid("compiled/organization", nested["contents"])
    assert all(org["services"][0]["phones"] for org in nested["contents"])
    one = client.get(f"/hsds/organizations/{nested['contents'][0]['id']}").json()
    assert_valid("compiled/organization", [one])
    plain = client.get("/hsds/organizations").json()["contents"]
    assert_valid("compiled/organization_list", plain)
    assert not any("services" in org for org in plain)

    places = client.get("/hsds/service_at_locations", params={"full": "true"}).json()
    assert_valid("compiled/service_at_location", places["contents"])
    assert all(place["location"]["addresses"] for place in places["contents"])
    plain_places = client.get("/hsds/service_at_locations").json()["contents"]
    assert_valid("compiled/service_at_location_list", plain_places)
    one_place = client.get(f"/hsds/service_at_locations/{plain_places[0]['id']}").json()
    assert_valid("compiled/service_at_location", [one_place])
    assert_valid("compiled/service", [one_place])  # what the reference declares for it


def _postal_codes(place: dict[str, Any]) -> set[str]:
    return {address["postal_code"] for address in place["location"].get("addresses", [])}


def test_postcode_keeps_the_places_with_that_postal_code(client):
    every = everything(client, "/service_at_locations", full="true")
    found = everything(client, "/service_at_locations", postcode="1030", full="true")
    some_not_all(ids(found), ids(every))
    assert ids(found) == {place["id"] for place in every if "1030" in _postal_codes(place)}
    # any string is a valid postcode in the reference: one nobody has finds nothing
    for nobody in ("0", "abc"):
        page = client.get("/hsds/service_at_locations", params={"postcode": nobody}).json()
        assert page["total_items"] == 0 and page["empty"]


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: plenty at the scale of a city."""
    x = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return 6_371_008.8 * math.hypot(x, math.radians(b[0] - a[0]))


def test_proximity_keeps_the_places_near_the_postcodes_centroid(client):
    every = everything(client, "/service_at_locations", full="true")
    points = {
        place["id"]: (place["location"]["latitude"], place["location"]["longitude"])
        for place in every
        if "latitude" in place["location"]
    }
    assert 0 < len(points) < len(every)
    in_1030 = {
        place["location"]["id"]: points[place["id"]]
        for place in every
        if place["id"] in points and "1030" in _postal_codes(place)
    }
    centre = (
        sum(p[0] for p in in_1030.values()) / len(in_1030),
        sum(p[1] for p in in_1030.values()) / len(in_1030),
    )
    distances = sorted(_metres(centre, point) for point in points.values())
    radius = next(
        (left + right) / 2
        for left, right in zip(
            distances[len(distances) // 3 :], distances[len(distances) // 3 + 1 :], strict=False
        )
        if right - left > 20
    )  # between two places well apart: rounding cannot decide
    found = everything(
        client, "/service_at_locations", postcode="1030", proximity=str(radius), full="true"
    )
    some_not_all(ids(found), set(points))
    assert ids(found) == {pid for pid, point in points.items() if _metres(centre, point) < radius}
    assert any("1030" not in _postal_codes(place) for place in found)  # distance, not code


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"proximity": "500"}, "proximity needs a postcode"),
        ({"proximity": "near", "postcode": "1030"}, "proximity must be a distance"),
        ({"proximity": "500", "postcode": "9999"}, "no located place has the postcode"),
        ({"modified_after": "yesterday"}, "modified_after must be an ISO 8601"),
        ({"format": "xml"}, "format must be one of json, ndjson"),
        ({"per_page": 0}, "per_page must be between 1 and 100"),
        ({"page": 0}, "page must be 1 or more"),
    ],
)
def test_what_cannot_be_honoured_is_a_clear_422(client, params, message):
    response = client.get("/hsds/service_at_locations", params=params)
    assert response.status_code == 422 and message in response.json()["detail"]


def test_services_refuses_minimal_with_full_and_terms_a_null_top_only(client):
    both = client.get("/hsds/services", params={"minimal": "true", "full": "true"})
    assert both.status_code == 422 and "exclude each other" in both.json()["detail"]
    assert client.get("/hsds/taxonomy_terms", params={"top_only": "null"}).status_code == 422


def test_top_only_and_parent_id(client):
    every = everything(client, "/taxonomy_terms")
    top = everything(client, "/taxonomy_terms", top_only="true")
    some_not_all(ids(top), ids(every))
    assert ids(top) == {term["id"] for term in every if not term.get("parent_id")}
    parent = next(term for term in every if term["code"] == "sport")
    children = everything(client, "/taxonomy_terms", parent_id=parent["id"])
    assert {term["code"] for term in children} == {"football", "swimming", "martial_arts", "dance"}


@pytest.mark.parametrize(
    "path",
    ["/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"],
)
def test_paging_totals_add_up(client, path):
    every = everything(client, path)
    first = client.get(f"/hsds{path}", params={"per_page": 3}).json()
    assert first["total_items"] == len(every) and first["total_pages"] == math.ceil(len(every) / 3)
    seen: list[str] = []
    for number in range(1, first["total_pages"] + 1):
        page = client.get(f"/hsds{path}", params={"per_page": 3, "page": number}).json()
        assert page["page_number"] == number and page["first_page"] == (number == 1)
        assert page["last_page"] == (number == first["total_pages"])
        assert page["size"] == len(page["contents"]) and not page["empty"]
        seen += [item["id"] for item in page["contents"]]
    assert seen == [item["id"] for item in every]  # same order, each once
    beyond = client.get(f"/hsds{path}", params={"per_page": 3, "page": 10**6}).json()
    assert beyond["empty"] and beyond["size"] == 0 and beyond["total_items"] == len(every)


@pytest.mark.parametrize(
    "path",
    ["/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"],
)
def test_one_record_by_id_and_an_unknown_one(client, path):
    first = client.get(f"/hsds{path}", params={"per_page": 1}).json()["contents"][0]
    assert client.get(f"/hsds{path}/{first['id']}").json()["id"] == first["id"]
    missing = client.get(f"/hsds{path}/no-such-id")
    assert missing.status_code == 404 and "no-such-id" in missing.json()["detail"]


# --- the Brussels extensions -----------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"taxonomy_term": "sport"},
        {"commune": "schaerbeek"},
        {"postcode": "1080"},
        {"audience": "seniors"},
        {"weekday": "SA"},
        {"age": 70},
        {"language": "ar"},
        {"free": "true"},
    ],
)
def test_brussels_extensions_filter_services(client, params):
    every = everything(client, "/services")
    some_not_all(ids(everything(client, "/services", **params)), ids(every))


def test_the_extensions_are_documented_as_such(client):
    info = client.get("/hsds/").json()
    document = client.get(info["openapi_url"].removeprefix("http://127.0.0.1:8000")).json()
    assert document["servers"] == [{"url": "http://127.0.0.1:8000/hsds"}]
    documented = {
        parameter["name"]
        for parameter in document["paths"]["/services"]["get"]["parameters"]
        if parameter.get("x-brussels-extension")
    }
    assert documented == {
        "taxonomy_term",
        "commune",
        "postcode",
        "audience",
        "weekday",
        "age",
        "language",
        "free",
        "assured_within_months",
    }
    assert {"200", "404"} <= set(document["paths"]["/services/{id}"]["get"]["responses"])
    assert "422" in document["paths"]["/services"]["get"]["responses"]
    assert "raw.githubusercontent.com" not in json.dumps(document)  # self-contained


def test_our_description_is_not_fastapis(client):
    """/hsds/openapi.json is the HSDS description, whatever FastAPI's own one holds."""
    ours = client.get("/hsds/openapi.json").json()
    assert ours["info"]["title"].endswith("(HSDS 3.0)") and "/services/{id}" in ours["paths"]
    assert "/hsds/services" not in ours["paths"] and "/console" not in json.dumps(ours["paths"])
