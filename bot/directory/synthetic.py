"""Synthetic HSDS services for tests and benchmarks (never shown to tenants), and the HSDS
object builders they share with the SAMPLE directory (scripts/build_sample_directory.py).

`service()` builds one valid, fully nested service of the Brussels profile from a few
arguments; `generated_directory()` builds many, spread over communes and categories. The
builders make one HSDS object each, with its Dutch text in `translations`; the keys keep
the order they are given in, so the JSON written from them is stable."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from bot.hsds_profile import (
    AUDIENCE_LINK,
    CATEGORY_LINK,
    TRANSLATIONS,
    audience_term,
    category_term,
    stable_id,
)
from bot.lexicon import WEEKDAY_CODES, categories, communes

Record = dict[str, Any]
IdMaker = Callable[..., str]
AttributeId = Callable[[str, Record], str]  # (link_type, taxonomy term) -> attribute id

# --------------------------------------------------------------------------- builders


def id_maker(source: str) -> IdMaker:
    """Stable UUID-5 ids for one source of records: `id_maker("sample")("service", slug)`."""
    return partial(stable_id, source)


def dutch(**fields: str) -> dict[str, dict[str, str]]:
    """The `translations` extension holding the Dutch text of an object's fields."""
    return {"nl": dict(fields)}


def present(**fields: Any) -> Record:
    """The fields in the order given, without those that are None."""
    return {key: value for key, value in fields.items() if value is not None}


def service_child(child_id: str, service_id: str, **fields: Any) -> Record:
    """An object of one service (phone, language, cost option, schedule): its id, the
    service's id, then `fields` in the order given, None left out."""
    return present(id=child_id, service_id=service_id, **fields)


def organization(
    organization_id: str, name: str, description: str, nl: Mapping[str, str] | None = None
) -> Record:
    """An organisation; `nl` is the Dutch of its name and description."""
    return present(
        id=organization_id,
        name=name,
        description=description,
        **{TRANSLATIONS: dutch(**nl) if nl else None},
    )


def phone(phone_id: str, service_id: str, number: str) -> Record:
    return service_child(phone_id, service_id, number=number, type="voice")


def language(
    language_id: str, service_id: str, code: str, name: str, nl_name: str | None = None
) -> Record:
    return service_child(
        language_id,
        service_id,
        name=name,
        code=code,
        **{TRANSLATIONS: dutch(name=nl_name) if nl_name else None},
    )


def address(
    address_id: str,
    location_id: str,
    address_1: str,
    city: str,
    state_province: str,
    postal_code: str,
    nl: Mapping[str, str] | None = None,
) -> Record:
    """A physical address in Belgium; `nl` is the Dutch of its text fields."""
    return present(
        id=address_id,
        location_id=location_id,
        address_1=address_1,
        city=city,
        state_province=state_province,
        postal_code=postal_code,
        country="BE",
        address_type="physical",
        **{TRANSLATIONS: dutch(**nl) if nl else None},
    )


def location(
    location_id: str,
    name: str,
    addresses: list[Record],
    organization_id: str | None = None,
    nl_name: str | None = None,
) -> Record:
    """A physical location with its addresses embedded."""
    return present(
        id=location_id,
        location_type="physical",
        organization_id=organization_id,
        name=name,
        **{TRANSLATIONS: dutch(name=nl_name) if nl_name else None},
        addresses=addresses,
    )


def service_at_location(link_id: str, service_id: str, place: Record) -> Record:
    """The link of a service to a location, with the location embedded."""
    return service_child(link_id, service_id, location_id=place["id"], location=place)


def attributes(
    service_id: str,
    category_codes: Iterable[str],
    audience_codes: Iterable[str],
    attribute_id: AttributeId,
) -> list[Record]:
    """The attributes linking a service to its category terms, then its audience terms."""
    terms = [(CATEGORY_LINK, category_term(code)) for code in category_codes]
    terms += [(AUDIENCE_LINK, audience_term(code)) for code in audience_codes]
    return [
        {
            "id": attribute_id(link_type, term),
            "link_id": service_id,
            "link_type": link_type,
            "link_entity": "service",
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
        }
        for link_type, term in terms
    ]


# --------------------------------------------------------------------------- synthetic

_test_id = id_maker("test")
# `service()` has arguments named like these two builders.
_organization = partial(organization, description="Organisation de test.")
_location = location


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
) -> Record:
    """One service; `key` makes its ids, so the same key gives the same ids."""
    service_id = _test_id("service", key)
    place_key = location or f"{key}-place"
    place_id = _test_id("location", place_key)
    hours = f"{byday} {opens_at}-{closes_at}"
    schedule = service_child(
        _test_id("schedule", key),
        service_id,
        freq="WEEKLY",
        interval=interval,
        byday=byday,
        dtstart=dtstart,
        opens_at=opens_at,
        closes_at=closes_at,
        description=hours,
        **{TRANSLATIONS: dutch(description=f"{hours} (nl)")},
        valid_from=valid_from or None,
        valid_to=valid_to or None,
    )
    place_address = address(
        _test_id("address", place_key),
        place_id,
        "Rue de l'Exemple 1",
        "Bruxelles",
        "Région de Bruxelles-Capitale",
        postcode,
    )
    organization_id = _test_id("organization", organization)
    record: Record = {
        "id": service_id,
        "name": f"Activité {key}",
        "description": f"Description de {key}.",
        "status": status,
        "assured_date": assured_date,
        TRANSLATIONS: dutch(name=f"Activiteit {key}", description=f"Over {key}."),
        "organization_id": organization_id,
        "organization": _organization(organization_id, f"Organisation {organization}"),
        "phones": [phone(_test_id("phone", key), service_id, "+32 2 000 00 00")],
        "languages": [
            language(_test_id("language", key, code), service_id, code, code) for code in languages
        ],
        "cost_options": [
            service_child(
                _test_id("cost", key),
                service_id,
                amount=amount,
                currency="EUR",
                option="Prix",
            )
        ],
        "schedules": [schedule],
        "service_at_locations": [
            service_at_location(
                _test_id("sal", key),
                service_id,
                _location(place_id, f"Lieu {place_key}", [place_address]),
            )
        ],
        "attributes": attributes(
            service_id,
            [category],
            [audience] if audience else [],
            lambda _link, term: _test_id("attribute", service_id, term["id"]),
        ),
    }
    return record | present(minimum_age=minimum_age, maximum_age=maximum_age)


def generated_directory(count: int, seed: int = 7) -> list[Record]:
    """`count` services over every commune and category, with varied schedules."""
    rng = random.Random(seed)
    postcodes = [str(code) for commune in communes().values() for code in commune.postcodes]
    category_ids = list(categories())
    days = WEEKDAY_CODES
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
