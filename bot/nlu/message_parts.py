"""The parts of a long message the intent classifier also reads on their own.

Tenants often tell a story before the question ("Bonjour, excusez-moi de vous déranger,
je ne sais plus à qui demander... Où trouver une école de devoirs ?"): read as one text,
the greeting and the story drown the question. So a message of several sentences is also
read sentence by sentence; the classifier keeps the reading it is surest of, a sentence
only when clearly surer than the whole (bot/nlu/linear_classifier.py). On the tuning split
this cut the drop from a polite preamble from about 30 points to under 10
(`make bench-robustness`). Reading a long dictated message by its last words as well was
tried and left out: its last words ("...chez le voisin d'en bas") often name another
topic than the message's."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
MIN_PART_WORDS = 2

T = TypeVar("T")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the text's sentences."""
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def parts(text: str, starts: Sequence[int], items: Sequence[T]) -> list[list[T]]:
    """Besides the whole message, the token groups to classify on their own: each sentence
    of two words or more, when there are several. `starts` are the tokens' offsets."""
    spans = sentence_spans(text)
    if len(spans) < 2:
        return []
    located = list(zip(items, starts, strict=True))
    groups = [[item for item, at in located if a <= at < b] for a, b in spans]
    return [group for group in groups if len(group) >= MIN_PART_WORDS]
