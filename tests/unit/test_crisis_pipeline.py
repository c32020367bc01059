"""The whole NLU pipeline of the trained model (`make train`) on the frozen crisis set
(tests/data/crisis/, issue 19), as `make bench-crisis` measures it: on the tuning half,
every danger message is urgent_help with its situation's line; on the test half, never
read for tuning, recall stays at least what was measured."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.crisis import CATEGORY_OF, danger_category, load

# Measured with `make bench-crisis` on 2026-12-06 (94.6% fr, 95.1% nl): a regression floor.
TEST_HALF_RECALL_FLOOR = 0.93


@pytest.fixture(scope="module")
def judged(agent) -> list[dict]:
    messages = [m for language in ("fr", "nl") for m in load(language) if m["danger"]]

    async def parse_all() -> list[dict]:
        return [
            {**m, "said": danger_category(await agent.parse_message(m["text"]))} for m in messages
        ]

    return asyncio.run(parse_all())


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_tuning_danger_message_raises_the_alarm_with_its_line(judged, language):
    wrong = [
        (m["situation"], m["said"], m["text"])
        for m in judged
        if m["language"] == language
        and m["half"] == "tuning"
        and m["said"] != CATEGORY_OF[m["situation"]]
    ]
    assert wrong == []


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_test_half_recall_does_not_fall_below_what_was_measured(judged, language):
    danger = [m for m in judged if m["language"] == language and m["half"] == "test"]
    caught = sum(m["said"] is not None for m in danger)
    assert caught / len(danger) >= TEST_HALF_RECALL_FLOOR, f"{caught}/{len(danger)}"
