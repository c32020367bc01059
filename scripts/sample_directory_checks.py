"""What `scripts/build_sample_directory.py --check` verifies in the SAMPLE directory, and the
tables of `--stats` (data/activities/README.md lists the rules)."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

from bot.hsds_profile import AUDIENCE_LINK, CATEGORY_LINK, TRANSLATIONS
from bot.lexicon import categories, commune_by_postcode, communes
from scripts.sample_directory_sources import Sources

Record = dict[str, Any]

LARGE_COMMUNES = ("schaerbeek", "molenbeek-saint-jean", "anderlecht", "bruxelles")
TEXT_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "fees_description",
    "eligibility_description",
    "application_process",
    "option",
    "amount_description",
    "address_1",
    "city",
    "state_province",
    "notes",
    "alert",
)
PHONE = re.compile(r"^\+32 2 000 \d\d \d\d$")  # no Brussels number starts with 000
# The demo queries, each needing 3 active answers: (commune, link type, term code).
DEMOS = {
    "children in Schaerbeek": ("schaerbeek", AUDIENCE_LINK, "children"),
    "homework in Molenbeek": ("molenbeek-saint-jean", CATEGORY_LINK, "homework_help"),
}


def problems(directory: dict[str, Any], sources: Sources) -> list[str]:
    """Every problem of a built directory."""
    services = directory["services"]
    found = schema_problems(services) + id_problems(services) + translation_problems(services)
    found += coverage_problems(services) + phone_problems(services)
    return found + shape_problems(directory, sources)


def codes(service: Record, link_type: str) -> set[str]:
    return {
        attribute["taxonomy_term"]["code"]
        for attribute in service.get("attributes", [])
        if attribute["link_type"] == link_type
    }


def service_communes(service: Record) -> list[str]:
    """The communes of the service's places, from their postcodes."""
    return [
        commune_by_postcode()[int(address["postal_code"])]
        for link in service.get("service_at_locations", [])
        for address in link["location"].get("addresses", [])
    ]


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Record]]:
    """Every object in the tree, with its path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key != TRANSLATIONS:
                yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def is_uuid(value: Any) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


def schema_problems(services: list[Record]) -> list[str]:
    from bot.directory.hsds_schema import problems  # needs jsonschema (the gateway venv)

    return [str(problem) for service in services for problem in problems("service", service)]


def id_problems(services: list[Record]) -> list[str]:
    """Ids are UUIDs; an id used twice must name the same shared object."""
    found: list[str] = []
    seen: dict[str, str] = {}
    for path, node in walk(services):
        for key, value in node.items():
            if (key == "id" or key.endswith("_id")) and not is_uuid(value):
                found.append(f"{path}/{key}: not a UUID: {value!r}")
        if "id" in node:
            content = json.dumps(node, sort_keys=True)
            if seen.setdefault(node["id"], content) != content:
                found.append(f"{path}: id {node['id']} names two different objects")
    return found


def translation_problems(services: list[Record]) -> list[str]:
    found = []
    for path, node in walk(services):
        dutch = node.get(TRANSLATIONS, {}).get("nl", {})
        found += [
            f"{path}/{field}: no Dutch translation"
            for field in TEXT_FIELDS
            if node.get(field) and not dutch.get(field)
        ]
    return found


def coverage_problems(services: list[Record]) -> list[str]:
    per_commune = Counter(c for s in services for c in set(service_communes(s)))
    per_category = Counter(c for s in services for c in codes(s, CATEGORY_LINK))
    found = [
        f"commune {c}: {per_commune[c]} services"
        for c in communes()
        if per_commune[c] < (6 if c in LARGE_COMMUNES else 3)
    ]
    found += [
        f"category {c}: {per_category[c]} services" for c in categories() if per_category[c] < 2
    ]
    active = [s for s in services if s["status"] == "active"]
    for label, demo in DEMOS.items():
        count = sum(answers(s, demo) for s in active)
        if count < 3:
            found.append(f"{label}: only {count} active services")
    return found


def answers(service: Record, demo: tuple[str, str, str]) -> bool:
    commune, link_type, code = demo
    return commune in service_communes(service) and code in codes(service, link_type)


def demo_critical(service: Record) -> bool:
    """Services the demo queries need active: they must not be marked inactive or stale."""
    return any(answers(service, demo) for demo in DEMOS.values())


def phone_problems(services: list[Record]) -> list[str]:
    numbers: dict[str, set[str]] = {}
    found = []
    for service in services:
        for phone in service["phones"]:
            if not PHONE.match(phone["number"]):
                found.append(f"{service['id']}: phone {phone['number']!r}")
            numbers.setdefault(service["organization_id"], set()).add(phone["number"])
    flat = [number for group in numbers.values() for number in group]
    if len(flat) != len(set(flat)) or any(len(group) != 1 for group in numbers.values()):
        found.append("phone numbers are not one per organisation")
    return found


def shape_problems(directory: dict[str, Any], sources: Sources) -> list[str]:
    services, filtered = directory["services"], sources.filtered
    found = [] if directory["metadata"] == sources.metadata else ["metadata differs"]
    if not (sources.metadata.get("sample") is True and "SAMPLE" in sources.metadata["title"]):
        found.append("the metadata does not say SAMPLE")
    if len(services) < 90:
        found.append(f"only {len(services)} services")
    statuses = Counter(s["status"] for s in services)
    stale = sum(s["assured_date"] == filtered["stale_date"] for s in services)
    if statuses["inactive"] != filtered["inactive"] or stale != filtered["stale"]:
        found.append(f"{statuses['inactive']} inactive and {stale} stale services")
    found += [f"{s['id']}: not one cost option" for s in services if len(s["cost_options"]) != 1]
    found += [
        f"{s['id']}: {len(s['schedules'])} schedules"
        for s in services
        if not 1 <= len(s["schedules"]) <= 2
    ]
    return found


def stats(directory: dict[str, Any], sources: Sources) -> str:
    """Markdown tables: services per commune and per category, and the totals."""
    services, stale_date = directory["services"], sources.filtered["stale_date"]
    per_commune = Counter(c for s in services for c in set(service_communes(s)))
    per_category = Counter(c for s in services for c in codes(s, CATEGORY_LINK))
    organisations = {s["organization_id"] for s in services}
    free = sum(s["cost_options"][0]["amount"] == 0 for s in services)
    lines = [
        f"{len(services)} services, {len(organisations)} organisations, "
        f"{free} free ({round(100 * free / len(services))} %), "
        f"{sum(s['status'] == 'inactive' for s in services)} inactive, "
        f"{sum(s['assured_date'] == stale_date for s in services)} with an old "
        f"assured_date.",
        "",
        "| commune | services |",
        "|---|---:|",
    ]
    lines += [
        f"| {commune.fr} / {commune.nl} | {per_commune[key]} |"
        for key, commune in communes().items()
    ]
    lines += ["", "| category | parent | services |", "|---|---|---:|"]
    lines += [
        f"| `{key}` {category.fr} | {category.parent or ''} | {per_category[key]} |"
        for key, category in categories().items()
    ]
    lines += ["", "Left out by the search filters (to test them):"]
    lines += [
        f"- {s['name']} ({s['status']}, assured {s['assured_date']})"
        for s in services
        if s["status"] != "active" or s["assured_date"] == stale_date
    ]
    return "\n".join(lines)
