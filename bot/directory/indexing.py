"""The typed columns search filters on, computed from an object's document at import."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.directory.structure import Row
from bot.hsds_profile import TRANSLATIONS
from bot.lexicon import commune_by_postcode, communes
from bot.lexicon.folding import fold

SEARCHABLE_TEXT = ("name", "alternate_name", "description")


def search_columns(kind: str, document: dict[str, Any], rows: list[Row]) -> dict[str, Any]:
    if kind == "location":
        return _location_columns(document, rows)
    if kind == "service_at_location":
        return {"location_id": document.get("location_id")}
    if kind == "attribute":
        return {
            "link_type": document.get("link_type"),
            "taxonomy_term_id": document.get("taxonomy_term_id"),
        }
    if kind == "taxonomy_term":
        return {"code": document.get("code"), "taxonomy": document.get("taxonomy")}
    return {}


def searchable_text(document: dict[str, Any]) -> str:
    texts = [document.get(field) for field in SEARCHABLE_TEXT]
    for translation in document.get(TRANSLATIONS, {}).values():
        if isinstance(translation, dict):
            texts += [translation.get(field) for field in SEARCHABLE_TEXT]
    return " ".join(fold(text) for text in texts if isinstance(text, str))


def _location_columns(document: dict[str, Any], rows: list[Row]) -> dict[str, Any]:
    addresses = [
        row.document for row in rows if row.kind == "address" and row.owner_id == document["id"]
    ]
    physical = [a for a in addresses if a.get("address_type") == "physical"] or addresses
    if not physical:
        return {"commune_id": None, "postal_code": None}
    address = physical[0]
    postal_code = str(address.get("postal_code", "")).strip()
    return {
        "postal_code": postal_code or None,
        "commune_id": commune_of(postal_code, address.get("city")),
    }


def commune_of(postal_code: str, city: Any) -> str | None:
    """The Brussels commune of an address: by postcode, else by the city's name."""
    if postal_code.isdigit() and int(postal_code) in commune_by_postcode():
        return commune_by_postcode()[int(postal_code)]
    if isinstance(city, str):
        folded = fold(city)
        for commune in communes().values():
            if folded in {fold(commune.fr), fold(commune.nl), fold(commune.id)}:
                return commune.id
    return None


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
