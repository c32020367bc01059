"""Synthetic HSDS services for tests and benchmarks (never shown to tenants).

`service()` builds one valid, fully nested service of the Brussels profile from a few
arguments; `generated_directory()` builds many, spread over communes and categories."""

from __future__ import annotations

import random
from typing import Any

from bot.hsds_profile import (
    AUDIENCE_LINK,
    CATEGORY_LINK,
    TRANSLATIONS,
    audience_term,
    category_term,
    stable_id,
)
from bot.lexicon import categories, communes


def service(
    key: str,
    *,
    category: str = "homework_help",
    postcode: str = "1030",
    byday: str = "MO",
    opens_at: str = "16:00",
    closes_at: str = "18:00",
    audience: str | None = None,
    amount: float = 0,
    status: str = "active",
    assured_date: str = "2026-10-01",
    valid_from: str | None = None,
    valid_to: str | None = None,
    dtstart: str = "2026-01-05",
    interval: int = 1,
    languages: tuple[str, ...] = ("fr", "nl"),
    minimum_age: int | None = None,
    maximum_age: int | None = None,
    organization: str = "org",
    location: str | None = None,
) -> dict[str, Any]:
    """One service; `key` makes its ids, so the same key gives the same ids."""
    service_id = stable_id("test", "service", key)
    location_key = location or f"{key}-place"
    location_id = stable_id("test", "location", location_key)
    schedule: dict[str, Any] = {
        "id": stable_id("test", "schedule", key),
        "service_id": service_id,
        "freq": "WEEKLY",
        "interval": interval,
        "byday": byday,
        "dtstart": dtstart,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "description": f"{byday} {opens_at}-{closes_at}",
        TRANSLATIONS: {"nl": {"description": f"{byday} {opens_at}-{closes_at} (nl)"}},
    }
    if valid_from:
        schedule["valid_from"] = valid_from
    if valid_to:
        schedule["valid_to"] = valid_to
    attributes = [_attribute(service_id, CATEGORY_LINK, category_term(category))]
    if audience:
        attributes.append(_attribute(service_id, AUDIENCE_LINK, audience_term(audience)))
    record: dict[str, Any] = {
        "id": service_id,
        "name": f"Activité {key}",
        "description": f"Description de {key}.",
        "status": status,
        "assured_date": assured_date,
        TRANSLATIONS: {"nl": {"name": f"Activiteit {key}", "description": f"Over {key}."}},
        "organization_id": stable_id("test", "organization", organization),
        "organization": {
            "id": stable_id("test", "organization", organization),
            "name": f"Organisation {organization}",
            "description": "Organisation de test.",
        },
        "phones": [
            {
                "id": stable_id("test", "phone", key),
                "service_id": service_id,
                "number": "+32 2 000 00 00",
                "type": "voice",
            }
        ],
        "languages": [
            {
                "id": stable_id("test", "language", key, code),
                "service_id": service_id,
                "name": code,
                "code": code,
            }
            for code in languages
        ],
        "cost_options": [
            {
                "id": stable_id("test", "cost", key),
                "service_id": service_id,
                "amount": amount,
                "currency": "EUR",
                "option": "Prix",
            }
        ],
        "schedules": [schedule],
        "service_at_locations": [
            {
                "id": stable_id("test", "sal", key),
                "service_id": service_id,
                "location_id": location_id,
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": f"Lieu {location_key}",
                    "addresses": [
                        {
                            "id": stable_id("test", "address", location_key),
                            "location_id": location_id,
                            "address_1": "Rue de l'Exemple 1",
                            "city": "Bruxelles",
                            "state_province": "Région de Bruxelles-Capitale",
                            "postal_code": postcode,
                            "country": "BE",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "attributes": attributes,
    }
    if minimum_age is not None:
        record["minimum_age"] = minimum_age
    if maximum_age is not None:
        record["maximum_age"] = maximum_age
    return record


def _attribute(service_id: str, link_type: str, term: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": stable_id("test", "attribute", service_id, term["id"]),
        "link_id": service_id,
        "link_type": link_type,
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def generated_directory(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` services over every commune and category, with varied schedules."""
    rng = random.Random(seed)
    postcodes = [str(code) for commune in communes().values() for code in commune.postcodes]
    category_ids = list(categories())
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    services = []
    for number in range(count):
        postcode = rng.choice(postcodes)
        services.append(
            service(
                f"gen-{number}",
                category=rng.choice(category_ids),
                postcode=postcode,
                byday=",".join(sorted(rng.sample(days, rng.randint(1, 3)), key=days.index)),
                opens_at=f"{rng.randint(9, 19):02d}:{rng.choice(['00', '30'])}",
                closes_at="21:00",
                amount=rng.choice([0, 0, 0, 2, 5, 10]),
                audience=rng.choice([None, "children", "seniors", "women", "families"]),
                interval=rng.choice([1, 1, 1, 2]),
                organization=f"org-{number % 800}",
                location=f"place-{postcode}-{number % 150}",
            )
        )
    return services
