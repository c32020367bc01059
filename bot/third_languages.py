"""Safety in seven more languages: danger phrases, the safety message and the "I speak
French and Dutch" line in English, Arabic (Arabic script and Latin letters), Turkish,
Spanish, Portuguese, Romanian and Polish (../shared/CONTENT.md, "Safety").

The assistant speaks French and Dutch only. A tenant who writes in one of these languages
and is in danger still gets the emergency number at once, in their language. Like
bot/safety.py, this layer can only raise an alarm. It never changes the French and Dutch
detector: it has its own patterns, in bot/lexicon/third_languages.yml, loaded on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.lexicon import LEXICON_DIR
from bot.lexicon.folding import fold, folded_words
from bot.safety import DANGER_CATEGORIES

THIRD_LANGUAGES = ("en", "ar", "tr", "es", "pt", "ro", "pl")
LEXICON_FILE = LEXICON_DIR / "third_languages.yml"
_KEYS = frozenset({"danger", "safety", "unsupported", "markers"})


@dataclass(frozen=True)
class ThirdLanguageDanger:
    language: str  # one of THIRD_LANGUAGES: the language of the safety message
    category: str  # one of bot.safety.DANGER_CATEGORIES
    matched: str  # the part of the folded message that matched


@dataclass(frozen=True)
class _Language:
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    safety: dict[str, str]
    unsupported: str
    markers: frozenset[str]


def parse(raw: Any) -> dict[str, _Language]:
    """The lexicon file's content, checked: every language known and present, every
    category known, every pattern a valid regular expression, a safety text for `other`
    and an unsupported line in every language. Raises ValueError otherwise."""
    if not isinstance(raw, dict):
        raise ValueError("third_languages.yml: expected a mapping of languages")
    unknown = set(raw) - set(THIRD_LANGUAGES)
    if unknown:
        raise ValueError(f"third_languages.yml has unknown languages: {sorted(unknown)}")
    missing = set(THIRD_LANGUAGES) - set(raw)
    if missing:
        raise ValueError(f"third_languages.yml lacks languages: {sorted(missing)}")
    return {language: _parse_language(language, raw[language]) for language in THIRD_LANGUAGES}


def _parse_language(language: str, entry: Any) -> _Language:
    if not isinstance(entry, dict):
        raise ValueError(f"third_languages.yml, {language}: expected a mapping")
    unknown_keys = set(entry) - _KEYS
    if unknown_keys:
        raise ValueError(f"third_languages.yml, {language}: unknown keys {sorted(unknown_keys)}")
    danger = entry.get("danger") or {}
    safety = entry.get("safety") or {}
    for part, categories in (("danger", danger), ("safety", safety)):
        unknown = set(categories) - set(DANGER_CATEGORIES)
        if unknown:
            raise ValueError(
                f"third_languages.yml, {language}.{part}: unknown categories {sorted(unknown)}"
            )
    if not isinstance(safety.get("other"), str) or not safety["other"].strip():
        raise ValueError(f"third_languages.yml, {language}.safety: an 'other' text is required")
    unsupported = entry.get("unsupported")
    if not isinstance(unsupported, str) or not unsupported.strip():
        raise ValueError(f"third_languages.yml, {language}: an 'unsupported' line is required")
    patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
    for category, texts in danger.items():
        compiled = []
        for text in texts or ():
            try:
                compiled.append(re.compile(text))
            except re.error as error:
                raise ValueError(
                    f"third_languages.yml, {language}.danger.{category}: {text!r}: {error}"
                ) from error
        patterns[category] = tuple(compiled)
    return _Language(
        patterns=patterns,
        safety={category: str(text) for category, text in safety.items()},
        unsupported=unsupported,
        markers=frozenset(fold(str(word)) for word in entry.get("markers") or ()),
    )


def load(path: Path) -> dict[str, _Language]:
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))


@cache
def _languages() -> dict[str, _Language]:
    return load(LEXICON_FILE)


def detect_third_language_danger(
    text: str, language_hint: str | None = None
) -> ThirdLanguageDanger | None:
    """The first danger category (in bot/safety.py's order) whose phrases, in any of the
    seven languages, occur in the message; or None.

    When phrases of several languages match in that category ("socorro": Spanish and
    Portuguese), the language is `language_hint` if it is one of them (e.g. the language
    identifier's guess), else the one with the most evidence in the message (its matching
    patterns and marker words), else the first in THIRD_LANGUAGES."""
    folded = fold(text)
    if not folded:
        return None
    languages = _languages()
    for category in DANGER_CATEGORIES:
        found: dict[str, str] = {}
        for language in THIRD_LANGUAGES:
            for pattern in languages[language].patterns.get(category, ()):
                match = pattern.search(folded)
                if match:
                    found[language] = match.group()
                    break
        if found:
            chosen = _choose_language(folded, list(found), language_hint)
            return ThirdLanguageDanger(chosen, category, found[chosen])
    return None


def _choose_language(folded: str, candidates: list[str], hint: str | None) -> str:
    if len(candidates) == 1:
        return candidates[0]
    if hint in candidates:
        return hint
    words = set(folded_words(folded))
    languages = _languages()

    def evidence(language: str) -> int:
        """How many of the language's patterns (any category) and marker words occur."""
        entry = languages[language]
        patterns = sum(
            1 for group in entry.patterns.values() for pattern in group if pattern.search(folded)
        )
        return patterns + len(words & entry.markers)

    # max() keeps the first of equal scores: THIRD_LANGUAGES order breaks ties.
    return max(candidates, key=evidence)


def _language(language: str) -> _Language:
    if language not in THIRD_LANGUAGES:
        raise ValueError(f"not one of the third languages {THIRD_LANGUAGES}: {language!r}")
    return _languages()[language]


def safety_text(language: str, category: str) -> str:
    """The safety message for the situation, in the language; the language's `other`
    message for a category it has no text for."""
    texts = _language(language).safety
    return texts.get(category) or texts["other"]


def unsupported_text(language: str) -> str:
    """The line "I speak French and Dutch. To talk to a person, send PERSONNE." in the
    language."""
    return _language(language).unsupported


def all_third_language_texts() -> list[str]:
    """Every safety message of the seven languages."""
    return [text for entry in _languages().values() for text in entry.safety.values()]
