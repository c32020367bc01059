"""The HSDS API reference endpoints: responses validate against the official schemas."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.core.settings import Settings
from bot.directory.hsds_schema import problems
from bot.gateway.app import create_app

PAGE_FIELDS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@pytest.fixture(scope="module")
def client(sample_database):
    url, _ = sample_database
    settings = Settings(_env_file=None, database_url=url, rasa_url="http://127.0.0.1:9")
    with TestClient(create_app(settings)) as client:
        yield client


def assert_valid(kind: str, items: list[dict]) -> None:
    found = [str(problem) for item in items for problem in problems(kind, item)]
    assert found == []


def test_api_info(client):
    body = client.get("/hsds/").json()
    assert body["version"] == "3.0" and body["openapi_url"].endswith("/hsds/openapi.json")


def test_services_list_is_a_page_of_valid_services(client):
    body = client.get("/hsds/services", params={"per_page": 10}).json()
    assert set(body) >= PAGE_FIELDS and body["size"] == 10 and body["first_page"]
    assert body["total_items"] >= 80 and body["total_pages"] == -(-body["total_items"] // 10)
    assert_valid("compiled/service_list", body["contents"])
    assert all("phones" not in item for item in body["contents"])  # one-to-one fields only

    full = client.get("/hsds/services", params={"per_page": 5, "full": "true"}).json()
    assert_valid("service", full["contents"])
    assert all(item["schedules"] and item["service_at_locations"] for item in full["contents"])


def test_paging_walks_through_every_result_once(client):
    params = {"taxonomy_term": "sport", "per_page": 4}
    first = client.get("/hsds/services", params=params).json()
    ids = []
    for page in range(1, first["total_pages"] + 1):
        body = client.get("/hsds/services", params={**params, "page": page}).json()
        assert body["last_page"] == (page == first["total_pages"])
        ids += [item["id"] for item in body["contents"]]
    assert len(ids) == len(set(ids)) == first["total_items"] > 4
    beyond = client.get("/hsds/services", params={**params, "page": 99}).json()
    assert beyond["empty"] and beyond["contents"] == []


def test_search_filters_and_the_search_extension(client):
    body = client.get(
        "/hsds/services",
        params={
            "commune": "molenbeek-saint-jean",
            "taxonomy_term": "homework_help",
            "full": "true",
        },
    ).json()
    assert body["total_items"] >= 3 and body["search"]["commune"] == "molenbeek-saint-jean"
    for item in body["contents"]:
        found = item["search_result"]
        assert found["commune"] == "molenbeek-saint-jean" and not found["neighbour"]
        assert found["next_session"]["start"].endswith(("+01:00", "+02:00"))
    assert_valid("service", body["contents"])

    by_term_id = client.get(
        "/hsds/services",
        params={
            "taxonomy_term_id": body["contents"][0]["attributes"][0]["taxonomy_term_id"],
        },
    ).json()
    assert by_term_id["total_items"] > 0


def test_one_service_and_an_unknown_one(client):
    listed = client.get("/hsds/services", params={"per_page": 1}).json()["contents"][0]
    record = client.get(f"/hsds/services/{listed['id']}").json()
    assert record["id"] == listed["id"] and record["phones"]
    assert_valid("service", [record])
    missing = client.get("/hsds/services/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and "no service" in missing.json()["detail"]


def test_taxonomy_terms_validate_and_children_are_found_by_parent(client):
    body = client.get("/hsds/taxonomy_terms", params={"per_page": 100}).json()
    # the whole local profile: 23 activity categories and 7 audiences, used or not
    assert body["total_items"] == 30
    assert_valid("taxonomy_term", body["contents"])
    sport = next(term for term in body["contents"] if term["code"] == "sport")
    assert sport["translations"]["nl"]["name"] == "Sport"
    children = client.get("/hsds/taxonomy_terms", params={"parent_id": sport["id"]}).json()
    assert {term["code"] for term in children["contents"]} == {
        "football",
        "swimming",
        "martial_arts",
        "dance",
    }


def test_service_at_locations_validate(client):
    body = client.get("/hsds/service_at_locations", params={"commune": "schaerbeek"}).json()
    assert body["total_items"] >= 3
    assert_valid("compiled/service_at_location_list", body["contents"])
    assert all(item["location"]["name"] and item["service"]["name"] for item in body["contents"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"commune": "paris"}, "unknown commune"),
        ({"weekday": "monday"}, "weekday must be"),
        ({"per_page": 1000}, "per_page must be between 1 and 100"),
        ({"page": 0}, "page must be 1 or more"),
    ],
)
def test_bad_parameters_get_a_clear_422(client, params, message):
    response = client.get("/hsds/services", params=params)
    assert response.status_code == 422 and message in response.text


def test_the_freshness_window_is_a_setting(sample_database, client):
    url, _ = sample_database
    settings = Settings(
        _env_file=None,
        database_url=url,
        rasa_url="http://127.0.0.1:9",
        directory_assured_within_months=48,
    )
    default_total = client.get("/hsds/services").json()["total_items"]
    with TestClient(create_app(settings)) as wide:
        # the sample holds two services last confirmed in March 2024
        assert wide.get("/hsds/services").json()["total_items"] == default_total + 2
