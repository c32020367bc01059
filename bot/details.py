"""What a tenant adds to a question (issue 21): the thing concerned (the heating, a
letter), an amount, how long or how often, a month, a floor. Said back in one line, in
the conversation's language, so the tenant knows it was understood ("C'est noté : le
chauffage, depuis une semaine."), and passed to the caseworker with the handoff.

Only what the tenant wrote is said back: a word from the lexicon named in our words, or
the tenant's own phrase for an amount, a duration, a month or a floor. Nothing is
inferred."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot import lexicon
from bot.lexicon.folding import fold, folded_words

_AMOUNT = re.compile(r"(\d+(?:[.,]\d{1,2})?)\s*(?:€|eur\b|euros?\b)", re.IGNORECASE)
_DURATION = re.compile(
    r"\b(depuis|ca fait|il y a|sinds|al|voor)\s+"
    r"((?:un|une|deux|trois|quatre|cinq|six|plusieurs|quelques|\d+|een|twee|drie|vier|vijf|"
    r"zes|enkele|meerdere)\s+"
    r"(?:jours?|semaines?|mois|ans?|annees?|dagen|dag|weken|week|maanden|maand|jaar|jaren)"
    r"(?:\s+geleden)?|hier|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|gisteren|"
    r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|longtemps|lang)\b",
    re.IGNORECASE,
)
_TIMES = re.compile(
    r"\b(\d+|deuxieme|troisieme|quatrieme|tweede|derde|vierde)\s*(?:e|eme|de|ste)?\s+"
    r"(fois|keer)\b",
    re.IGNORECASE,
)
_FLOOR = re.compile(
    r"\b(\d{1,2})\s*(?:e|eme|er|de|ste)?\s+(etage|verdieping|verdiep)\b|\b(rez[- ]de[- ]chaussee|"
    r"gelijkvloers)\b",
    re.IGNORECASE,
)
_MONTHS = {
    "fr": [
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
}
_SAY_FLOOR = {"fr": "{n}e étage", "nl": "{n}de verdieping"}
_GROUND_FLOOR = {"fr": "rez-de-chaussée", "nl": "gelijkvloers"}
_TIMES_SAID = {"fr": "{n}e fois", "nl": "{n}de keer"}
_ORDINALS = {"deuxieme": 2, "troisieme": 3, "quatrieme": 4, "tweede": 2, "derde": 3, "vierde": 4}


@dataclass(frozen=True)
class Detail:
    kind: str  # thing | amount | duration | times | month | floor | commune
    value: str  # a lexicon id, or the normalised amount, duration, month, floor


@cache
def _things() -> dict[tuple[str, ...], str]:
    table = {}
    for thing, row in lexicon.details().items():
        for word in row["words"]:
            table[tuple(fold(word).split(" "))] = thing
    return table


def _thing_details(words: list[str]) -> list[Detail]:
    table = _things()
    found: list[Detail] = []
    index = 0
    while index < len(words):
        for length in (4, 3, 2, 1):
            thing = table.get(tuple(words[index : index + length]))
            if thing is not None:
                if Detail("thing", thing) not in found:
                    found.append(Detail("thing", thing))
                index += length
                break
        else:
            index += 1
    return found


def extract_details(text: str) -> list[Detail]:
    """The details a tenant's message gives, in the order of the kinds above."""
    folded = fold(text)
    details = _thing_details(folded_words(text))
    details += [Detail("amount", m.group(1).replace(",", ".")) for m in _AMOUNT.finditer(text)]
    for match in _DURATION.finditer(folded):
        details.append(Detail("duration", f"{match.group(1)} {match.group(2)}".lower()))
    for match in _TIMES.finditer(folded):
        number = match.group(1).lower()
        details.append(Detail("times", str(_ORDINALS.get(number, number))))
    for match in _FLOOR.finditer(folded):
        details.append(Detail("floor", match.group(1) or "0"))
    words = set(folded_words(text))
    for names in _MONTHS.values():
        details += [Detail("month", str(i + 1)) for i, name in enumerate(names) if name in words]
    return details


def as_slot_values(details: list[Detail]) -> list[str]:
    """Details as the `details` slot keeps them: "kind:value"."""
    return [f"{detail.kind}:{detail.value}" for detail in details]


def from_slot_values(values: list[Any] | None) -> list[Detail]:
    details = []
    for value in values or []:
        kind, _, rest = str(value).partition(":")
        if rest:
            details.append(Detail(kind, rest))
    return details


def say(detail: Detail, language: str) -> str:
    """A detail in the conversation's language, as the acknowledgment names it."""
    lang = "nl" if language == "nl" else "fr"
    if detail.kind == "thing":
        row = lexicon.details().get(detail.value)
        return str(row[lang]) if row else detail.value
    if detail.kind == "amount":
        return f"{detail.value.replace('.', ',')} €"
    if detail.kind == "floor":
        return (
            _GROUND_FLOOR[lang] if detail.value == "0" else _SAY_FLOOR[lang].format(n=detail.value)
        )
    if detail.kind == "times":
        return _TIMES_SAID[lang].format(n=detail.value)
    if detail.kind == "month":
        return ("in " if lang == "nl" else "en ") + _MONTHS[lang][int(detail.value) - 1]
    if detail.kind == "commune":
        commune = lexicon.communes().get(detail.value)
        return commune.name(lang) if commune else detail.value
    return detail.value  # a duration: the tenant's own words


def said_back(details: list[Detail], language: str) -> str:
    """ "le chauffage, depuis une semaine, 60 €" (each once, in order)."""
    seen: list[str] = []
    for detail in details:
        words = say(detail, language)
        if words not in seen:
            seen.append(words)
    return ", ".join(seen)
