"""The whole NLU pipeline of the trained model (`make train`) on the crisis sets (issue 19),
as `make bench-crisis` measures it: every danger message of the development sets (v1, v2,
v6 and v7, which the danger classifier learns from) is urgent_help, nearly all with their
situation's line; on the blind set v10, never read for development, and the sets read but
not learnt (v3, v4, v5, v8, v9), recall and the right line stay at least what was measured;
so do recall and false alarms on the blind set in seven other languages."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.crisis import (
    CATEGORY_OF,
    FOLDERS,
    danger_category,
    load,
    load_set,
)
from benchmarks.crisis_third import FILES as THIRD_FILES
from benchmarks.crisis_third import load as load_third

# Measured with `make bench-crisis` on 2026-12-07 (the classifiers learning v1, v2, v6 and
# v7, threshold 0.55); floors, a little under the figures.
# v1, v2, v6 and v7 together, which the situation model learns: 96.7% fr, 96.1% nl
RIGHT_LINE_FLOOR = 0.96
# v10 (blind) 97.0% fr, 95.8% nl; the sets read but not learnt: v9 100%, 100%; v8 97.8%,
# 94.0%; v5 93.7%, 93.7%; v4 93.0%, 93.7%; v3 96.9%, 98.4%
BLIND_RECALL_FLOORS = {
    "blind v10": 0.95,
    "v9": 0.98,
    "v8": 0.93,
    "v5": 0.92,
    "v4": 0.92,
    "v3": 0.95,
}
# v10 88.1%, 85.5%; v9 93.9%, 96.0%; v8 88.8%, 78.4%; v5 80.3%, 78.2%; v4 79.0%, 81.8%;
# v3 91.5%, 90.6%
BLIND_RIGHT_LINE_FLOORS = {
    "blind v10": 0.84,
    "v9": 0.92,
    "v8": 0.77,
    "v5": 0.77,
    "v4": 0.77,
    "v3": 0.89,
}
# The blind set in seven other languages (benchmarks/crisis_third.py), recall per file:
# en 78.1%, ar 59.4%, ar_latn 43.8%, tr 71.0%, es 74.2%, pt 54.8%, ro 77.4%, pl 61.3%
THIRD_RECALL_FLOORS = {
    "en": 0.75,
    "ar": 0.56,
    "ar_latn": 0.40,
    "tr": 0.67,
    "es": 0.70,
    "pt": 0.51,
    "ro": 0.74,
    "pl": 0.58,
}


@pytest.fixture(scope="module")
def judged(agent) -> list[dict]:
    messages = [
        m
        for language in ("fr", "nl")
        for m in [*load(language), *(n for part in FOLDERS for n in load_set(part, language))]
        if m["danger"]
    ]

    async def parse_all() -> list[dict]:
        return [
            {**m, "said": danger_category(await agent.parse_message(m["text"]))} for m in messages
        ]

    return asyncio.run(parse_all())


def _development(judged: list[dict], language: str) -> list[dict]:
    return [m for m in judged if m["language"] == language and m["half"] not in BLIND_RECALL_FLOORS]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_development_danger_message_raises_the_alarm(judged, language):
    missed = [(m["situation"], m["text"]) for m in _development(judged, language) if not m["said"]]
    assert missed == []


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_development_danger_messages_get_their_situations_line(judged, language):
    danger = _development(judged, language)
    right = sum(m["said"] == CATEGORY_OF[m["situation"]] for m in danger)
    assert right / len(danger) >= RIGHT_LINE_FLOOR, f"{right}/{len(danger)}"


@pytest.mark.parametrize("part", sorted(BLIND_RECALL_FLOORS))
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_blind_recall_does_not_fall_below_what_was_measured(judged, language, part):
    danger = [m for m in judged if m["language"] == language and m["half"] == part]
    caught = sum(m["said"] is not None for m in danger)
    assert caught / len(danger) >= BLIND_RECALL_FLOORS[part], f"{caught}/{len(danger)}"


@pytest.mark.parametrize("part", sorted(BLIND_RIGHT_LINE_FLOORS))
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_blind_right_line_does_not_fall_below_what_was_measured(judged, language, part):
    danger = [m for m in judged if m["language"] == language and m["half"] == part]
    right = sum(m["said"] == CATEGORY_OF[m["situation"]] for m in danger)
    assert right / len(danger) >= BLIND_RIGHT_LINE_FLOORS[part], f"{right}/{len(danger)}"


@pytest.fixture(scope="module")
def third_judged(agent) -> list[dict]:
    messages = [m for name in THIRD_FILES for m in load_third(name) if m["danger"]]

    async def parse_all() -> list[dict]:
        return [
            {**m, "said": danger_category(await agent.parse_message(m["text"]))} for m in messages
        ]

    return asyncio.run(parse_all())


@pytest.mark.parametrize("name", sorted(THIRD_RECALL_FLOORS))
def test_the_third_language_recall_does_not_fall_below_what_was_measured(third_judged, name):
    danger = [m for m in third_judged if m["file"] == name]
    caught = sum(m["said"] is not None for m in danger)
    assert caught / len(danger) >= THIRD_RECALL_FLOORS[name], f"{caught}/{len(danger)}"
