"""Text folding shared by every matcher: tenants write without accents, in capitals,
with hyphens or apostrophes where they please, so matching happens on a folded form."""

from __future__ import annotations

import re
import unicodedata

# Whitespace, punctuation, apostrophes, quotes and dashes of every kind separate words.
_SEPARATORS = re.compile(r"[\s'’‘`´\-‐‑–—_/.,;:!?¿¡()\[\]{}\"«»“”„…*+=<>|~^@#%&$€]+")


def strip_accents(text: str) -> str:
    """Remove diacritics: 'écôle Ç' -> 'ecole C'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower case, no accents, separators collapsed to single spaces, trimmed."""
    return _SEPARATORS.sub(" ", strip_accents(text).casefold()).strip()


def folded_words(text: str) -> list[str]:
    """The folded text split into words."""
    folded = fold(text)
    return folded.split(" ") if folded else []
