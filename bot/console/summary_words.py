"""What the assistant collected before the handoff, in the caseworker's words: the slot
names and their codes ("audience: children", "danger: other") said in French or Dutch from
the lexicon the assistant itself uses, so the console never shows an internal code when
a word exists (an unknown value is shown as it is, never dropped)."""

from __future__ import annotations

from typing import Any

from bot.lexicon import DAY_NAMES, WEEKDAY_CODES, categories, communes, topic_labels

FIELDS: dict[str, tuple[str, str]] = {
    "topic": ("Sujet", "Onderwerp"),
    "commune": ("Commune", "Gemeente"),
    "activity_category": ("Activité cherchée", "Gezochte activiteit"),
    "weekday": ("Jour", "Dag"),
    "audience": ("Pour qui", "Voor wie"),
    "danger": ("Danger", "Gevaar"),
    "possible_danger": ("Danger possible", "Mogelijk gevaar"),
    "callback": ("Demande à être rappelé", "Vraagt om terugbellen"),
    "site": ("Lieu (code)", "Plaats (code)"),
    "details": ("Détails donnés", "Gegeven details"),
}
AUDIENCES: dict[str, tuple[str, str]] = {
    "children": ("enfants", "kinderen"),
    "teenagers": ("jeunes", "jongeren"),
    "adults": ("adultes", "volwassenen"),
    "seniors": ("seniors", "senioren"),
    "women": ("femmes", "vrouwen"),
    "parents": ("parents", "ouders"),
    "families": ("familles", "gezinnen"),
}
# The safety layer's categories (bot/lexicon/danger.yml)
DANGERS: dict[str, tuple[str, str]] = {
    "violence": ("violence", "geweld"),
    "suicide": ("risque de suicide", "zelfmoordgevaar"),
    "medical": ("urgence médicale", "medisch noodgeval"),
    "fire": ("incendie", "brand"),
    "gas": ("odeur de gaz", "gasgeur"),
    "co": ("monoxyde de carbone (CO)", "koolstofmonoxide (CO)"),
    "poison": ("intoxication", "vergiftiging"),
    "other": ("autre danger", "ander gevaar"),
}
YES_NO = (("oui", "ja"), ("non", "nee"))


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1 if language == "nl" else 0]


def value_in_words(field: str, value: Any, language: str) -> str:
    code = str(value)
    if isinstance(value, bool):
        return _pick(YES_NO[0] if value else YES_NO[1], language)
    if field == "topic" and code in topic_labels():
        labels = topic_labels()[code]
        return labels.get(language) or labels["fr"]
    if field == "commune" and code in communes():
        return communes()[code].nl if language == "nl" else communes()[code].fr
    if field == "activity_category" and code in categories():
        return categories()[code].label(language)
    if field == "weekday" and code in WEEKDAY_CODES:
        return DAY_NAMES["nl" if language == "nl" else "fr"][WEEKDAY_CODES.index(code)]
    if field == "audience" and code in AUDIENCES:
        return _pick(AUDIENCES[code], language)
    if field == "danger" and code in DANGERS:
        return _pick(DANGERS[code], language)
    return code


def summary_in_words(summary: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """(label, value) pairs in the order of FIELDS, then any other field as it is."""
    known = [key for key in FIELDS if key in summary]
    others = sorted(key for key in summary if key not in FIELDS)
    return [
        (
            _pick(FIELDS[key], language) if key in FIELDS else key,
            value_in_words(key, summary[key], language),
        )
        for key in (*known, *others)
    ]
