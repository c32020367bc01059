"""Keeps `hsds_search_entry` in step with the stored services: one entry per service and
place, holding every field search filters on (see models.SearchEntry)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.directory.indexing import parse_date, searchable_text
from bot.directory.models import Location, SearchEntry, TaxonomyTerm
from bot.directory.structure import Row
from bot.hsds_profile import AUDIENCE_LINK, CATEGORY_LINK
from bot.lexicon import categories


def index_service(session: Session, service: dict[str, Any], rows: list[Row]) -> None:
    """Replace the entries of one service, from the rows just written for it."""
    service_id = service["id"]
    session.execute(delete(SearchEntry).where(SearchEntry.service_id == service_id))
    own = [row for row in rows if row.owner_id == service_id]
    codes = _term_codes(session, rows, own)
    places: list[tuple[str | None, str | None]] = [
        (row.id, row.document.get("location_id"))
        for row in own
        if row.kind == "service_at_location"
    ] or [(None, None)]
    communes = _communes(session, [location for _, location in places if location])
    costs = [row.document.get("amount") for row in own if row.kind == "cost_option"]
    common = {
        "service_id": service_id,
        "status": service.get("status", ""),
        "assured_date": parse_date(service.get("assured_date")),
        "minimum_age": service.get("minimum_age"),
        "maximum_age": service.get("maximum_age"),
        # Free only when every cost option says 0; no cost option means "not known".
        "is_free": all(amount == 0 for amount in costs) if costs else None,
        "categories": _words(
            code for link, code in codes if link == CATEGORY_LINK for code in _with_parents(code)
        ),
        "audiences": _words(code for link, code in codes if link == AUDIENCE_LINK),
        "languages": _words(
            str(row.document.get("code", "")).lower() for row in own if row.kind == "language"
        ),
        "name": str(service.get("name", "")),
        "search_text": searchable_text(service),
    }
    for sal_id, location_id in places:
        session.add(
            SearchEntry(
                service_at_location_id=sal_id,
                location_id=location_id,
                commune_id=communes.get(location_id or ""),
                **common,
            )
        )


def relocate(session: Session, location_id: str, commune_id: str | None) -> None:
    """A shared location moved (re-imported with another address): its entries follow."""
    session.execute(
        update(SearchEntry)
        .where(SearchEntry.location_id == location_id)
        .values(commune_id=commune_id)
    )


def _term_codes(session: Session, rows: list[Row], own: list[Row]) -> list[tuple[str, str]]:
    attributes = [row.document for row in own if row.kind == "attribute"]
    known = {row.id: row.document.get("code") for row in rows if row.kind == "taxonomy_term"}
    missing = {attribute.get("taxonomy_term_id") for attribute in attributes} - set(known)
    missing.discard(None)
    if missing:
        query = select(TaxonomyTerm.id, TaxonomyTerm.code).where(TaxonomyTerm.id.in_(missing))
        known.update(session.execute(query).tuples().all())
    return [
        (str(attribute.get("link_type")), str(known[term_id]))
        for attribute in attributes
        if (term_id := attribute.get("taxonomy_term_id")) is not None and known.get(term_id)
    ]


def _communes(session: Session, location_ids: list[str]) -> dict[str, str | None]:
    if not location_ids:
        return {}
    query = select(Location.id, Location.commune_id).where(Location.id.in_(location_ids))
    return dict(session.execute(query).tuples().all())


def _with_parents(code: str) -> list[str]:
    found = [code]
    category = categories().get(code)
    while category is not None and category.parent:
        found.append(category.parent)
        category = categories().get(category.parent)
    return found


def _words(words: Any) -> str:
    unique = list(dict.fromkeys(word for word in words if word))
    return f" {' '.join(unique)} " if unique else " "
