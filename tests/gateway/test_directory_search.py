"""Activity search: filters, parent categories, neighbour fallback, freshness, ordering."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.directory.importer import import_records
from bot.directory.search import Query, search
from bot.directory.synthetic import service
from bot.hsds_profile import TIME_ZONE

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=TIME_ZONE)  # a Thursday
SCHAERBEEK, EVERE, UCCLE = "1030", "1140", "1180"


@pytest.fixture
def directory(sessions):
    records = [
        service(
            "football-schaerbeek",
            category="football",
            postcode=SCHAERBEEK,
            byday="SA",
            audience="children",
            minimum_age=6,
            maximum_age=12,
        ),
        service(
            "swimming-schaerbeek",
            category="swimming",
            postcode=SCHAERBEEK,
            byday="FR",
            amount=5,
            languages=("nl",),
        ),
        service(
            "homework-schaerbeek",
            category="homework_help",
            postcode=SCHAERBEEK,
            byday="MO,TU,TH",
            audience="children",
            minimum_age=6,
            maximum_age=12,
        ),
        service("homework-evere", category="homework_help", postcode=EVERE, byday="WE"),
        service("homework-uccle", category="homework_help", postcode=UCCLE, byday="WE"),
        service("french-evere", category="french_courses", postcode=EVERE, byday="TU"),
        service(
            "closed-schaerbeek", category="homework_help", postcode=SCHAERBEEK, status="inactive"
        ),
        service(
            "stale-schaerbeek",
            category="homework_help",
            postcode=SCHAERBEEK,
            assured_date="2025-09-30",
        ),
    ]
    assert import_records(sessions, records).imported == len(records)
    return sessions


def names(directory, **criteria) -> list[str]:
    with directory() as db:
        result = search(db, Query(**criteria), NOW)
    return [hit.name.removeprefix("Activité ") for hit in result.hits]


def test_a_parent_category_includes_its_children(directory):
    assert set(names(directory, category="sport")) == {"football-schaerbeek", "swimming-schaerbeek"}
    assert names(directory, category="language_courses", commune="evere") == ["french-evere"]
    assert names(directory, category="football") == ["football-schaerbeek"]


def test_commune_and_postcode_find_the_same_and_results_come_soonest_first(directory):
    by_commune = names(directory, commune="schaerbeek")
    assert by_commune == names(directory, postcode=1030)
    # Thursday noon: homework Thursday 16:00, swimming Friday, football Saturday
    assert by_commune == ["homework-schaerbeek", "swimming-schaerbeek", "football-schaerbeek"]
    assert names(directory, postcode=1300) == []  # Wavre: not in Brussels


def test_too_few_in_the_commune_adds_the_neighbours_after_and_marks_them(directory):
    with directory() as db:
        result = search(db, Query(category="homework_help", commune="schaerbeek"), NOW)
    found = [(hit.name.removeprefix("Activité "), hit.neighbour) for hit in result.hits]
    # Evere borders Schaerbeek; Uccle does not
    assert found == [("homework-schaerbeek", False), ("homework-evere", True)]
    assert result.neighbours_added and result.in_commune == 1


def test_enough_in_the_commune_means_no_neighbours(directory):
    assert names(directory, commune="schaerbeek", enough=3) == [
        "homework-schaerbeek",
        "swimming-schaerbeek",
        "football-schaerbeek",
    ]


def test_weekday_audience_age_language_and_price(directory):
    assert names(directory, commune="schaerbeek", weekdays=frozenset({"SA"})) == [
        "football-schaerbeek"
    ]
    assert set(names(directory, audience="children")) == {
        "football-schaerbeek",
        "homework-schaerbeek",
    }
    assert "football-schaerbeek" not in names(directory, commune="schaerbeek", age=15)
    assert "swimming-schaerbeek" not in names(directory, commune="schaerbeek", language="fr")
    assert "swimming-schaerbeek" in names(directory, commune="schaerbeek", language="nl")
    assert "swimming-schaerbeek" not in names(directory, commune="schaerbeek", free=True)


def test_inactive_and_unconfirmed_services_are_never_found(directory):
    found = names(directory, category="homework_help")
    assert "closed-schaerbeek" not in found and "stale-schaerbeek" not in found
    # a wider freshness window (configurable) brings back the one confirmed 14 months ago
    assert "stale-schaerbeek" in names(
        directory, category="homework_help", assured_within_months=15
    )


def test_free_text_matches_french_and_dutch_names_without_accents(directory):
    assert names(directory, text="ACTIVITE football") == ["football-schaerbeek"]
    assert names(directory, text="activiteit swimming") == ["swimming-schaerbeek"]


def test_the_sample_answers_the_newcomers_questions(sample_database):
    _, sessions = sample_database
    with sessions() as db:
        children = search(db, Query(audience="children", commune="schaerbeek"), NOW)
        homework = search(db, Query(category="homework_help", commune="molenbeek-saint-jean"), NOW)
    assert len(children.hits) >= 3 and not children.neighbours_added
    assert len(homework.hits) >= 3
    assert all(hit.session is not None for hit in homework.hits)
