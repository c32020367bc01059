"""How HSDS objects nest, and how a dereferenced object splits into table rows and back.

Arrays of modelled kinds are owned by their parent (a service's phones). Single embedded
objects are references to shared records (a service's organization, a service-at-location's
location): they are stored once and re-embedded at export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# kind -> {array field: kind of its items}
ARRAYS: dict[str, dict[str, str]] = {
    "service": {
        "phones": "phone",
        "schedules": "schedule",
        "service_at_locations": "service_at_location",
        "languages": "language",
        "cost_options": "cost_option",
        "attributes": "attribute",
    },
    "organization": {"phones": "phone", "attributes": "attribute"},
    "service_at_location": {"phones": "phone", "schedules": "schedule", "attributes": "attribute"},
    "location": {
        "addresses": "address",
        "phones": "phone",
        "schedules": "schedule",
        "languages": "language",
        "attributes": "attribute",
    },
    "phone": {"languages": "language", "attributes": "attribute"},
    "schedule": {"attributes": "attribute"},
    "language": {"attributes": "attribute"},
    "cost_option": {"attributes": "attribute"},
    "address": {"attributes": "attribute"},
}

# kind -> {embedded field: (kind of the shared record, the id field that points to it)}
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "service": {"organization": ("organization", "organization_id")},
    "service_at_location": {"location": ("location", "location_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "taxonomy_id")},
}

# Stored documents list the references that came embedded, so export embeds the same ones.
EMBEDDED = "_embedded"

SHARED_KINDS = frozenset({"service", "organization", "location", "taxonomy_term", "taxonomy"})


@dataclass
class Row:
    kind: str
    id: str
    document: dict[str, Any]
    owner_kind: str | None = None
    owner_id: str | None = None
    position: int = 0
    root_id: str | None = None


SkipShared = Callable[[str, dict[str, Any]], bool]


def decompose(kind: str, record: dict[str, Any], skip: SkipShared | None = None) -> list[Row]:
    """The rows of one dereferenced object: shared records first, each before what it owns.
    `skip(kind, embedded)` may say that an embedded shared record is already stored as is."""
    rows: list[Row] = []
    _decompose(kind, record, None, None, 0, None, rows, skip or (lambda kind, record: False))
    return rows


def _decompose(
    kind: str,
    record: dict[str, Any],
    owner_kind: str | None,
    owner_id: str | None,
    position: int,
    root_id: str | None,
    rows: list[Row],
    skip: SkipShared,
) -> None:
    document = dict(record)
    record_id = str(record["id"])
    for field, (ref_kind, id_field) in REFERENCES.get(kind, {}).items():
        embedded = document.get(field)
        if isinstance(embedded, dict) and "id" in embedded:
            del document[field]
            document.setdefault(id_field, embedded["id"])
            document[EMBEDDED] = [*document.get(EMBEDDED, []), field]
            if not skip(ref_kind, embedded):
                _decompose(ref_kind, embedded, None, None, 0, None, rows, skip)
    row = Row(kind, record_id, document, owner_kind, owner_id, position, root_id)
    rows.append(row)
    own_root = record_id if kind in SHARED_KINDS else root_id
    for field, child_kind in ARRAYS.get(kind, {}).items():
        children = document.get(field)
        if not children:  # absent or [] stays in the document as it was
            continue
        del document[field]
        for index, child in enumerate(children):
            _decompose(child_kind, child, kind, record_id, index, own_root, rows, skip)
