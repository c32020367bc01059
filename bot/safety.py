"""Deterministic danger detection (the safety layer), French and Dutch.

Runs on every tenant message, next to the intent classifier in Rasa and on its own in the
gateway while a caseworker owns the conversation. It can only raise an alarm; nothing
lowers one. The patterns live in bot/lexicon/danger.yml.

When the classifier raised the alarm and no phrase matched, `likely_situation` chooses the
line from broader cue words (bot/lexicon/danger_cues.yml) that never raise an alarm."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import lexicon
from bot.lexicon.folding import fold

DANGER_CATEGORIES = ("violence", "suicide", "medical", "fire", "gas", "co", "poison", "other")


@dataclass(frozen=True)
class DangerSignal:
    category: str
    matched: str


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    patterns = lexicon.danger_patterns()
    unknown = set(patterns) - set(DANGER_CATEGORIES)
    if unknown:
        raise ValueError(f"danger.yml has unknown categories: {sorted(unknown)}")
    return tuple(
        (category, tuple(re.compile(p) for p in patterns.get(category, ())))
        for category in DANGER_CATEGORIES
    )


def detect_danger(text: str) -> DangerSignal | None:
    """The first danger category whose phrases occur in the message, or None."""
    folded = fold(text)
    if not folded:
        return None
    for category, patterns in _compiled():
        for pattern in patterns:
            found = pattern.search(folded)
            if found:
                return DangerSignal(category, found.group())
    return None


@lru_cache(maxsize=1)
def _compiled_cues() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    cues = lexicon.danger_cues()
    unknown = set(cues) - set(DANGER_CATEGORIES)
    if unknown:
        raise ValueError(f"danger_cues.yml has unknown categories: {sorted(unknown)}")
    # the file's order breaks ties
    return tuple(
        (category, tuple(re.compile(p) for p in patterns)) for category, patterns in cues.items()
    )


def likely_situation(text: str) -> str:
    """The category whose cue words the message has most of (the earlier one on a tie),
    "other" (the general line) when it has none. Only for a message already in alarm."""
    folded = fold(text)
    best, best_score = "other", 0
    for category, patterns in _compiled_cues():
        score = sum(1 for pattern in patterns if pattern.search(folded))
        if score > best_score:
            best, best_score = category, score
    return best
