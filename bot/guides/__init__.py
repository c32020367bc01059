"""Step-by-step digital-help guides (email address, video call, photo of a document, fraud,
public computer space, online form), loaded once from guides.yml beside this module. The
texts live in YAML so they can be reviewed like the rest of the content; this loader is
standard library + PyYAML only (and the lexicon's folding, itself standard library),
because both the Rasa actions and the gateway import it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.lexicon.folding import fold

GUIDES_FILE = Path(__file__).parent / "guides.yml"
LANGUAGES = ("fr", "nl")
UI_NAMES = (
    "intro",
    "footer",
    "button_next",
    "button_repeat",
    "button_menu",
    "progress",
    "end",
    "button_find_help",
    "stopped",
    "no_guide",
)


@dataclass(frozen=True)
class Guide:
    id: str
    titles: dict[str, str]  # language -> short menu title
    steps: list[dict[str, str]]  # one message per step: language -> text
    words: tuple[str, ...] = ()  # folded phrases that name the guide's topic (both languages)

    def title(self, language: str) -> str:
        return self.titles[_checked_language(language)]


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {LANGUAGES}")
    return language


@cache
def _data() -> dict[str, Any]:
    with open(GUIDES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def guides() -> dict[str, Guide]:
    """The guides by id, in the order of the file (the order of the menu)."""
    found: dict[str, Guide] = {}
    for row in _data()["guides"]:
        if row["id"] in found:
            raise ValueError(f"guide {row['id']!r} appears twice in {GUIDES_FILE.name}")
        found[row["id"]] = Guide(
            id=row["id"],
            titles=dict(row["title"]),
            steps=[dict(step) for step in row["steps"]],
            words=tuple(fold(w) for w in row.get("words") or ()),
        )
    return found


def guide(guide_id: str) -> Guide:
    """The guide, or a KeyError that names the unknown id and the known ones."""
    try:
        return guides()[guide_id]
    except KeyError:
        raise KeyError(f"unknown guide {guide_id!r}: expected one of {sorted(guides())}") from None


def find_guide(text: str) -> str | None:
    """The one guide whose topic the text names ("uitleg over valse sms" -> fraud), or None
    when it names none or several (the tenant then chooses from the list)."""
    folded = f" {fold(text)} "
    named = {g.id for g in guides().values() if any(f" {w} " in folded for w in g.words)}
    return named.pop() if len(named) == 1 else None


def step_count(guide_id: str) -> int:
    return len(guide(guide_id).steps)


def step_text(guide_id: str, index: int, language: str) -> str:
    """The text of one step; index counts from 0, as a slot holding the current step would."""
    steps = guide(guide_id).steps
    if not 0 <= index < len(steps):
        raise IndexError(f"guide {guide_id!r} has steps 0 to {len(steps) - 1}, not {index}")
    return steps[index][_checked_language(language)]


def ui_text(name: str, language: str) -> str:
    """A text around the guides: intro, footer, button_next, button_repeat, button_menu,
    progress (with {step} and {total} to fill), end, button_find_help, stopped, no_guide."""
    texts = _data()["ui"]
    if name not in texts:
        raise KeyError(f"unknown guide text {name!r}: expected one of {sorted(texts)}")
    return texts[name][_checked_language(language)]
