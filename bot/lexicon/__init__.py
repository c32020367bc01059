"""The assistant's shared vocabulary: communes, postcodes, activity categories, audiences,
weekdays, language names and danger phrases, loaded once from the YAML files beside this
module. Used by the NLU components, the actions and the gateway's directory."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.lexicon.folding import fold

LEXICON_DIR = Path(__file__).parent
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545, Monday first
DAY_NAMES = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
}


def _load(name: str) -> Any:
    with open(LEXICON_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class Commune:
    id: str
    fr: str
    nl: str
    postcodes: tuple[int, ...]
    aliases: tuple[str, ...]

    def name(self, language: str) -> str:
        return self.nl if language == "nl" else self.fr


@dataclass(frozen=True)
class Category:
    id: str
    fr: str
    nl: str
    parent: str | None
    words: tuple[str, ...]

    def label(self, language: str) -> str:
        return self.nl if language == "nl" else self.fr


@cache
def communes() -> dict[str, Commune]:
    return {
        row["id"]: Commune(
            id=row["id"],
            fr=row["fr"],
            nl=row["nl"],
            postcodes=tuple(row["postcodes"]),
            aliases=tuple(row.get("aliases", [])),
        )
        for row in _load("communes.yml")
    }


@cache
def commune_by_postcode() -> dict[int, str]:
    return {code: commune.id for commune in communes().values() for code in commune.postcodes}


@cache
def categories() -> dict[str, Category]:
    return {
        row["id"]: Category(
            id=row["id"],
            fr=row["fr"],
            nl=row["nl"],
            parent=row.get("parent"),
            words=tuple(row.get("words", [])),
        )
        for row in _load("categories.yml")
    }


@cache
def audiences() -> dict[str, tuple[str, ...]]:
    return {key: tuple(words) for key, words in _load("audiences.yml").items()}


@cache
def details() -> dict[str, dict[str, Any]]:
    """Things a tenant's question is about (bot/details.py): id -> fr, nl, words."""
    return dict(_load("details.yml"))


@cache
def relatives() -> tuple[str, ...]:
    """Phrases naming a relative or a neighbour: never the audience of a search."""
    return tuple(_load("relatives.yml"))


@cache
def circumstances() -> dict[str, tuple[str, ...]]:
    """Household phrases, and the words that make a message a request of its own."""
    return {key: tuple(words) for key, words in _load("circumstances.yml").items()}


@cache
def weekdays() -> dict[str, tuple[str, ...]]:
    return {key: tuple(words) for key, words in _load("weekdays.yml").items()}


@cache
def language_words() -> dict[str, tuple[str, ...]]:
    return {key: tuple(words) for key, words in _load("languages.yml")["names"].items()}


@cache
def language_short_words() -> dict[str, frozenset[str]]:
    return {
        key: frozenset(fold(word) for word in words)
        for key, words in _load("languages.yml")["short_words"].items()
    }


@cache
def language_function_words() -> dict[str, frozenset[str]]:
    return {
        key: frozenset(fold(word) for word in words)
        for key, words in _load("languages.yml")["function_words"].items()
    }


NAMED_WORDS = re.compile(r"\{\{(\w+)\}\}")


@cache
def danger_patterns() -> dict[str, tuple[str, ...]]:
    """Each category's patterns, with the file's named word lists ({{NAME}}) put in."""
    loaded = dict(_load("danger.yml"))
    words: dict[str, str] = loaded.pop("words", None) or {}

    def put_in(pattern: str) -> str:
        def word_list(found: re.Match[str]) -> str:
            if found.group(1) not in words:
                raise ValueError(f"danger.yml: no word list named {found.group(1)}")
            return words[found.group(1)]

        return NAMED_WORDS.sub(word_list, pattern)

    return {key: tuple(put_in(p) for p in patterns) for key, patterns in loaded.items()}


def danger_cues() -> dict[str, tuple[str, ...]]:
    """Each category's line-choosing cue patterns (danger_cues.yml)."""
    loaded: dict[str, list[str]] = _load("danger_cues.yml")
    return {key: tuple(patterns) for key, patterns in loaded.items()}


def explicit_language_request(text: str) -> str | None:
    """The language a message asks for when the whole message is a language name
    ("FR", "Nederlands", "en français"), else None."""
    folded = fold(text)
    for code, words in language_words().items():
        if folded in {fold(word) for word in words}:
            return code
    return None


@cache
def topic_labels() -> dict[str, dict[str, str]]:
    """intent -> {"fr": label, "nl": label}, for choices offered to the tenant."""
    return _load("topics.yml")


@cache
def neighbours() -> dict[str, tuple[str, ...]]:
    """commune id -> the Brussels communes that share a border with it (symmetric)."""
    return {commune: tuple(others) for commune, others in _load("neighbours.yml").items()}
