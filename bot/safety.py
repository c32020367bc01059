"""Deterministic danger detection (the safety layer), French and Dutch.

Runs on every tenant message, next to the intent classifier in Rasa and on its own in the
gateway while a caseworker owns the conversation. It can only raise an alarm; nothing
lowers one. The patterns live in bot/lexicon/danger.yml."""

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
