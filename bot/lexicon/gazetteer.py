"""Deterministic entity matching over the lexicon: communes (names, aliases, sub-localities
and postcodes), weekdays, activity categories, audiences and language names.

Closed lists are matched better by a gazetteer than learned by a classifier from a few
hundred examples: every spelling in the lexicon works at once, and a commune maps to one
canonical id whatever the language. Longest phrase wins; long words also match with a
small spelling error (rapidfuzz), since tenants write "Molenbek" or "Schaerbek"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot import lexicon
from bot.lexicon.folding import fold

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_POSTCODE = re.compile(r"(?<![\d,.])(1\d{3})(?![\d,.])")
_MONEY_AFTER = re.compile(r"^\s*(€|eur\b|euro)", re.IGNORECASE)
# "13 ans", "de 10 ans", "10 jaar"; not a duration ("depuis 3 ans", "sinds 2 jaar", "al 3 jaar")
_AGE = re.compile(
    r"(?<![\d,.])(\d{1,2})\s*(?:ans|an|jaar|jr)\b"
    # "elle a 13", "mijn dochter is 14", "mon fils de 8", "voor mijn zoon van 8": a bare
    # number after the person, closing the clause
    r"|\b(?:elle a|il a|ze is|zij is|hij is|(?:dochter|zoon|kind|kleine|fille|fils|enfant|"
    r"petit|petite|grand|grande) (?:is|a|van|de))\s+(\d{1,2})(?=\s*(?:[,.!?;]|$))",
    re.IGNORECASE,
)
_DURATION_BEFORE = re.compile(
    r"(depuis|il y a|ca fait|ça fait|pendant|sinds|al|geleden|voor)\s*$", re.I
)
_MAX_PHRASE_WORDS = 6
_FUZZY_MIN_LENGTH = 6
_FUZZY_MIN_SCORE = 85


@dataclass(frozen=True)
class Match:
    entity: str
    value: str
    start: int
    end: int
    text: str
    confidence: float = 1.0

    def as_rasa_entity(self, extractor: str) -> dict:
        return {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "confidence_entity": self.confidence,
            "extractor": extractor,
            "processors": [],
        }


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    folded: str


@lru_cache(maxsize=1)
def _phrase_table() -> dict[tuple[str, ...], list[tuple[str, str]]]:
    """Folded phrase (as words) -> [(entity, value), ...]."""
    table: dict[tuple[str, ...], list[tuple[str, str]]] = {}

    def add(phrase: str, entity: str, value: str) -> None:
        key = tuple(fold(phrase).split(" "))
        if key == ("",):
            return
        targets = table.setdefault(key, [])
        if (entity, value) not in targets:
            targets.append((entity, value))

    for commune in lexicon.communes().values():
        for name in (commune.id, commune.fr, commune.nl, *commune.aliases):
            add(name, "commune", commune.id)
    for category in lexicon.categories().values():
        for word in category.words:
            add(word, "activity_category", category.id)
    for audience, words in lexicon.audiences().items():
        for word in words:
            add(word, "audience", audience)
    for phrase in lexicon.relatives():  # longer than the audience word inside it
        add(phrase, "relative", "relative")
    for day, words in lexicon.weekdays().items():
        for word in words:
            add(word, "weekday", day)
    for code, words in lexicon.language_words().items():
        for word in words:
            if len(fold(word)) > 2:  # "fr"/"nl" alone only count as a whole message
                add(word, "target_language", code)
    return table


@lru_cache(maxsize=1)
def _fuzzy_vocabulary() -> dict[str, list[tuple[str, str]]]:
    """Single long words that may be matched with a spelling error."""
    return {
        key[0]: targets
        for key, targets in _phrase_table().items()
        if len(key) == 1
        and len(key[0]) >= _FUZZY_MIN_LENGTH
        and any(entity in ("commune", "weekday") for entity, _ in targets)
    }


@lru_cache(maxsize=1)
def _fuzzy_words() -> tuple[str, ...]:
    """The fuzzy vocabulary's words, built once rather than on every lookup."""
    return tuple(_fuzzy_vocabulary())


def _spans(text: str) -> list[_Span]:
    spans = []
    for match in _WORD.finditer(text):
        for part in fold(match.group()).split(" "):
            if part:
                spans.append(_Span(match.start(), match.end(), part))
    return spans


def _postcodes(text: str) -> list[Match]:
    matches = []
    by_postcode = lexicon.commune_by_postcode()
    for found in _POSTCODE.finditer(text):
        code = int(found.group(1))
        if code not in by_postcode or _MONEY_AFTER.match(text[found.end() :]):
            continue
        start, end = found.span(1)
        matches.append(Match("postcode", str(code), start, end, found.group(1)))
        matches.append(Match("commune", by_postcode[code], start, end, found.group(1)))
    return matches


def _ages(text: str) -> list[Match]:
    """The age of a person ("elle a 13 ans", "mijn zoon van 10 jaar"), not a duration."""
    matches = []
    for found in _AGE.finditer(text):
        if _DURATION_BEFORE.search(text[: found.start()]):
            continue
        start, end = found.span()
        matches.append(Match("age", found.group(1) or found.group(2), start, end, found.group()))
    return matches


def find_entities(text: str) -> list[Match]:
    """All lexicon entities in the text, longest phrase first, without overlaps."""
    table = _phrase_table()
    spans = _spans(text)
    matches: list[Match] = _postcodes(text) + _ages(text)
    taken = [False] * len(spans)
    index = 0
    while index < len(spans):
        found = None
        for length in range(min(_MAX_PHRASE_WORDS, len(spans) - index), 0, -1):
            key = tuple(span.folded for span in spans[index : index + length])
            if key in table:
                found = (length, table[key], 1.0)
                break
        if found is None and len(spans[index].folded) >= _FUZZY_MIN_LENGTH:
            best = process.extractOne(
                spans[index].folded,
                _fuzzy_words(),
                scorer=fuzz.ratio,
                score_cutoff=_FUZZY_MIN_SCORE,
            )
            if best is not None:
                found = (1, _fuzzy_vocabulary()[best[0]], round(best[1] / 100, 2))
        if found is None:
            index += 1
            continue
        length, targets, confidence = found
        start, end = spans[index].start, spans[index + length - 1].end
        for entity, value in targets:
            matches.append(Match(entity, value, start, end, text[start:end], confidence))
        for offset in range(length):
            taken[index + offset] = True
        index += length
    return sorted(matches, key=lambda match: (match.start, match.entity))
