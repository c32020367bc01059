"""The whole NLU pipeline of the trained model (`make train`) on the crisis sets (issue 19),
as `make bench-crisis` measures it: every danger message of the development sets (v1, v2,
v6 and v7, which the danger classifier learns from) is urgent_help, nearly all with their
situation's line; on the blind sets v3, v4, v5 and v8, never read for development, recall and
the right line stay at least what was measured."""

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

# Measured with `make bench-crisis` on 2026-12-06 (the classifiers also learning v6 and
# v7, threshold 0.55); floors, a little under the figures.
# v1, v2, v6 and v7 together, which the situation model learns: 96.7% fr, 96.1% nl
RIGHT_LINE_FLOOR = 0.96
# v3 96.9% fr, 98.4% nl; v4 93.0%, 93.7%; v5 93.7%, 92.3%; v8 (read first then) 97.8%, 94.0%
BLIND_RECALL_FLOORS = {"blind v3": 0.95, "blind v4": 0.90, "blind v5": 0.90, "blind v8": 0.92}
# v3 91.5% fr, 90.6% nl; v4 79.0%, 81.8%; v5 79.6%, 77.5%; v8 88.8%, 78.4%
BLIND_RIGHT_LINE_FLOORS = {
    "blind v3": 0.89,
    "blind v4": 0.76,
    "blind v5": 0.74,
    "blind v8": 0.76,
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
