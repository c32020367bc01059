"""A household's situation told during a question (issue 21): "mon mari est malade et on
n'a plus que la mutuelle" while the tenant explains why the rent is late, "we hebben ne
baby van 3 maand" while a repair waits. It is more of that question, not a new request,
even when the classifier is sure it sounds like loneliness or a transfer. A message that
asks for something ("je cherche", "kan ik", a question mark) is a request of its own."""

from __future__ import annotations

from bot import lexicon
from bot.lexicon.folding import fold
from bot.safety import detect_danger


def _contains(folded: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {folded} "
    return any(f" {phrase} " in padded for phrase in phrases)


def tells_household_situation(text: str) -> bool:
    """The message names someone of the household and asks for nothing (and is no
    danger: danger always goes first)."""
    if "?" in text or detect_danger(text) is not None:
        return False
    folded = " ".join(fold(text).replace("'", " ").split())
    words = lexicon.circumstances()
    return _contains(folded, words["household"]) and not _contains(folded, words["requests"])
