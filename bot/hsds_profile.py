"""The Brussels profile of HSDS 3.0 used by the directory.

- Text fields hold French; the Dutch text of any object lives in the extension property
  `translations: {"nl": {field: text}}` (HSDS objects allow extra properties).
- Times are local to Europe/Brussels (HSDS's numeric `timezone` cannot express DST).
- Two local taxonomies, built from bot/lexicon so that the bot's `activity_category` and
  `audience` entity values are the terms' `code`: activity categories (with parents) and
  audiences. Attributes link a service to its terms; `link_type` says which taxonomy.
- Ids are UUIDs (the schemas' `format: uuid`); local terms get stable UUID-5 ids.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.lexicon import audiences, categories

TIME_ZONE = ZoneInfo("Europe/Brussels")
LANGUAGES = ("fr", "nl")
TRANSLATIONS = "translations"

# Stable namespace for the ids this project mints (taxonomy terms, sample data).
NAMESPACE = uuid.UUID("6f1c1e5a-8a1e-4d0e-9a57-0b1d9c2e7a10")

CATEGORY_TAXONOMY = "bxl-activity-categories"
AUDIENCE_TAXONOMY = "bxl-audiences"
CATEGORY_LINK = "activity_category"
AUDIENCE_LINK = "audience"

AUDIENCE_LABELS: dict[str, tuple[str, str]] = {
    "children": ("Enfants", "Kinderen"),
    "teenagers": ("Adolescents", "Jongeren"),
    "adults": ("Adultes", "Volwassenen"),
    "seniors": ("Seniors", "Senioren"),
    "women": ("Femmes", "Vrouwen"),
    "parents": ("Parents", "Ouders"),
    "families": ("Familles", "Gezinnen"),
}


def stable_id(*parts: str) -> str:
    """A UUID-5 id, the same every time for the same parts."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def taxonomy_id(name: str) -> str:
    return stable_id("taxonomy", name)


def term_id(taxonomy: str, code: str) -> str:
    return stable_id("taxonomy_term", taxonomy, code)


@cache
def taxonomies() -> list[dict[str, Any]]:
    return [
        {
            "id": taxonomy_id(CATEGORY_TAXONOMY),
            "name": "Catégories d'activités (Bruxelles)",
            "description": "Activités locales pour les locataires du logement social.",
            "version": "1",
            TRANSLATIONS: {
                "nl": {
                    "name": "Activiteitencategorieën (Brussel)",
                    "description": "Lokale activiteiten voor huurders.",
                }
            },
        },
        {
            "id": taxonomy_id(AUDIENCE_TAXONOMY),
            "name": "Publics (Bruxelles)",
            "description": "Pour qui est l'activité.",
            "version": "1",
            TRANSLATIONS: {
                "nl": {"name": "Doelgroepen (Brussel)", "description": "Voor wie de activiteit is."}
            },
        },
    ]


def _term(taxonomy: str, code: str, fr: str, nl: str, parent: str | None) -> dict[str, Any]:
    term: dict[str, Any] = {
        "id": term_id(taxonomy, code),
        "code": code,
        "name": fr,
        "description": fr,
        "taxonomy": taxonomy,
        "taxonomy_id": taxonomy_id(taxonomy),
        "language": "fr",
        TRANSLATIONS: {"nl": {"name": nl, "description": nl}},
    }
    if parent:
        term["parent_id"] = term_id(taxonomy, parent)
    return term


@cache
def taxonomy_terms() -> dict[str, dict[str, Any]]:
    """term id -> term, for both local taxonomies."""
    terms = [
        _term(CATEGORY_TAXONOMY, category.id, category.fr, category.nl, category.parent)
        for category in categories().values()
    ] + [
        _term(AUDIENCE_TAXONOMY, code, fr, nl, None)
        for code, (fr, nl) in AUDIENCE_LABELS.items()
        if code in audiences()
    ]
    return {term["id"]: term for term in terms}


def category_term(code: str) -> dict[str, Any]:
    return taxonomy_terms()[term_id(CATEGORY_TAXONOMY, code)]


def audience_term(code: str) -> dict[str, Any]:
    return taxonomy_terms()[term_id(AUDIENCE_TAXONOMY, code)]


def translated(record: dict[str, Any], field: str, language: str) -> Any:
    """A field in the wanted language, falling back to the record's own (French) text."""
    if language != "fr":
        text = record.get(TRANSLATIONS, {}).get(language, {}).get(field)
        if text:
            return text
    return record.get(field)
