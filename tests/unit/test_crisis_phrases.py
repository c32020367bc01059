"""The deterministic safety phrases on the frozen crisis set (tests/data/crisis/, issue 19).
On the tuning half, the half the phrases were written from: every danger message raises
its alarm with its situation's line, and no near-miss does. On the test half, never read
for tuning, the measured recall is kept as a floor (`make bench-crisis` reports it with
the classifier's alarm as well)."""

from __future__ import annotations

import pytest

from benchmarks.crisis import CATEGORY_OF, load
from bot.safety import detect_danger

# Measured with `make bench-crisis` on 2026-12-05 (73.1% fr, 71.6% nl): a regression floor.
TEST_HALF_RECALL_FLOOR = 0.70


def _half(language: str, half: str) -> list[dict]:
    return [message for message in load(language) if message["half"] == half]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_tuning_danger_message_gets_its_situations_line(language):
    wrong = []
    for message in _half(language, "tuning"):
        if message["danger"]:
            found = detect_danger(message["text"])
            category = found.category if found else None
            if category != CATEGORY_OF[message["situation"]]:
                wrong.append((message["situation"], category, message["text"]))
    assert wrong == []


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_no_tuning_near_miss_raises_an_alarm(language):
    alarms = [
        (found.category, found.matched[-60:], message["text"])
        for message in _half(language, "tuning")
        if not message["danger"] and (found := detect_danger(message["text"])) is not None
    ]
    assert alarms == []


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_test_half_recall_does_not_fall_below_what_was_measured(language):
    danger = [message for message in _half(language, "test") if message["danger"]]
    caught = sum(detect_danger(message["text"]) is not None for message in danger)
    assert caught / len(danger) >= TEST_HALF_RECALL_FLOOR, f"{caught}/{len(danger)}"
