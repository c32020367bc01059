"""What a version changed, in words a curator reads: each changed field before and after
("Téléphone : +32 2 000 12 34 → +32 2 000 56 78"), not as raw HSDS. The versions table
shows them under each version, so a curator sees what a revert would bring back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.curation.schedule_form import describe, from_hsds_schedules
from bot.hsds_profile import TRANSLATIONS, taxonomy_terms, translated

Record = dict[str, Any]


@dataclass(frozen=True)
class Change:
    field: str  # a key of CHANGE_LABELS (the console's words say it)
    before: str
    after: str


def _dutch(field: str) -> Callable[[Record], str]:
    return lambda record: str(record.get(TRANSLATIONS, {}).get("nl", {}).get(field) or "")


def _plain(field: str) -> Callable[[Record], str]:
    return lambda record: "" if record.get(field) is None else str(record.get(field))


def _organization(record: Record) -> str:
    organization = record.get("organization") or {}
    return " / ".join(
        name
        for name in (organization.get("name"), _dutch("name")(organization))
        if isinstance(name, str) and name
    )


def _phones(record: Record) -> str:
    return ", ".join(str(item.get("number", "")) for item in record.get("phones") or [])


def _price(record: Record) -> str:
    amounts = [item.get("amount") for item in record.get("cost_options") or []]
    return ", ".join(f"{float(amount):g} €" for amount in amounts if amount is not None)


def _places(record: Record) -> str:
    lines = []
    for link in record.get("service_at_locations") or []:
        for address in (link.get("location") or {}).get("addresses") or []:
            lines.append(
                f"{address.get('address_1', '')}, {address.get('postal_code', '')} "
                f"{address.get('city', '')}".strip()
            )
    return "; ".join(lines)


def _terms(record: Record, language: str) -> str:
    terms = taxonomy_terms()
    names = [
        str(translated(terms[link["taxonomy_term_id"]], "name", language))
        for link in record.get("attributes") or []
        if link.get("taxonomy_term_id") in terms
    ]
    return ", ".join(names)


def _languages(record: Record) -> str:
    return ", ".join(str(item.get("code", "")) for item in record.get("languages") or [])


def _schedules(record: Record, language: str) -> str:
    schedules = record.get("schedules") or []
    choice = from_hsds_schedules(schedules)
    if choice is not None:
        return describe(choice, language)
    return " ; ".join(str(translated(item, "description", language) or "") for item in schedules)


def differences(before: Record | None, after: Record, language: str) -> list[Change]:
    """The fields whose words differ between two states of a service (none for the first)."""
    if before is None:
        return []
    readers: list[tuple[str, Callable[[Record], str]]] = [
        ("name", _plain("name")),
        ("name_nl", _dutch("name")),
        ("description", _plain("description")),
        ("description_nl", _dutch("description")),
        ("status", _plain("status")),
        ("assured_date", _plain("assured_date")),
        ("organization", _organization),
        ("place", _places),
        ("phone", _phones),
        ("price", _price),
        ("terms", lambda record: _terms(record, language)),
        ("languages", _languages),
        ("minimum_age", _plain("minimum_age")),
        ("maximum_age", _plain("maximum_age")),
        ("schedule", lambda record: _schedules(record, language)),
    ]
    changes = []
    for field, read in readers:
        was, now = read(before), read(after)
        if was != now:
            changes.append(Change(field, was or "-", now or "-"))
    return changes
