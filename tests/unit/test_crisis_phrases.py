"""The deterministic safety phrases on the crisis sets (issue 19; benchmarks/crisis.py says
which set is development data and which is blind). On the crisis set v1's tuning half, the
half the phrases were first written from, every danger message raises its alarm with its
situation's line; no near-miss of the development sets (v1 and v2) raises one; the rest of
the recall the phrases measured is kept as a floor (`make bench-crisis` reports it with the
classifier's alarm as well)."""

from __future__ import annotations

import pytest

from benchmarks.crisis import CATEGORY_OF, load, load_set
from bot.safety import detect_danger

# Measured on 2026-12-06 (v1 test half 80.6% fr, 79.0% nl; v2 77.2% fr, 78.7% nl): floors.
RECALL_FLOORS = {"v1 test": 0.78, "v2": 0.76}


def _half(language: str, half: str) -> list[dict]:
    return [message for message in load(language) if message["half"] == half]


def _part(language: str, part: str) -> list[dict]:
    return load_set("v2", language) if part == "v2" else _half(language, part.removeprefix("v1 "))


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
def test_no_near_miss_of_the_development_sets_raises_an_alarm(language):
    alarms = [
        (found.category, found.matched[-60:], message["text"])
        for message in [*load(language), *load_set("v2", language)]
        if not message["danger"] and (found := detect_danger(message["text"])) is not None
    ]
    assert alarms == []


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("part", sorted(RECALL_FLOORS))
def test_the_phrases_recall_does_not_fall_below_what_was_measured(language, part):
    danger = [message for message in _part(language, part) if message["danger"]]
    caught = sum(detect_danger(message["text"]) is not None for message in danger)
    assert caught / len(danger) >= RECALL_FLOORS[part], f"{caught}/{len(danger)}"
