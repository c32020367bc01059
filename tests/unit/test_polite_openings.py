"""A polite opening before a question is not danger, and does not hide danger (issue 19).

The danger classifier learns every intent example once more behind a polite opening
(bot/nlu/danger_classifier.py). The messages below were written for this test, not taken
from any training, development or blind set; the polite set v9 (long polite first
messages by another author, never learnt) is scored as `make bench-danger` scores it."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.crisis import danger_category
from bot.nlu.danger_classifier import behind_openings, crisis_messages, polite_openings

ORDINARY = {
    "fr": [
        "Bonjour, excusez-moi de vous déranger, je ne sais plus vers qui me tourner. "
        "Est-ce que je peux payer mon loyer en plusieurs fois ?",
        "Madame, Monsieur, je vous écris car je n'arrive pas à joindre le bureau. "
        "Mon chauffage ne marche plus depuis hier soir.",
        "Bonsoir, pardon de vous écrire si tard, je suis un peu perdue. "
        "Y a-t-il une école de devoirs près de chez moi à Anderlecht ?",
    ],
    "nl": [
        "Goedendag, sorry dat ik stoor, ik weet niet meer bij wie ik moet zijn. "
        "Kan ik mijn huur in delen betalen?",
        "Dag mevrouw, ik schrijf u omdat ik het kantoor niet kan bereiken. "
        "Mijn verwarming werkt niet meer sinds gisteren.",
    ],
}
DANGER = {
    "fr": [
        "Bonjour, excusez-moi de vous déranger si tard. Mon mari me frappe et "
        "j'ai peur qu'il recommence cette nuit.",
        "Madame, Monsieur, pardon de vous écrire ici. Ça sent l'oeuf pourri dans "
        "toute la cage d'escalier depuis une heure.",
    ],
    "nl": [
        "Goedenavond, sorry dat ik u stoor. Ik heb al mijn pillen klaargelegd "
        "voor vannacht, ik kan niet meer.",
    ],
}
# Measured with `make bench-danger` on 2026-12-07 at the threshold (0.5): the polite set's
# danger messages 99/99 with the phrases, 16 of its 300 near-misses (5.3%) raised the alarm.
POLITE_NEAR_MISS_ALARMS_CEILING = 0.07


def _said(agent, texts: list[str]) -> list[str | None]:
    async def parse_all() -> list[str | None]:
        return [danger_category(await agent.parse_message(text)) for text in texts]

    return asyncio.run(parse_all())


def test_each_example_gets_an_opening_of_its_language_and_keeps_its_label():
    openings = polite_openings()
    examples = [("ik zoek een huiswerkklas voor mijn zoon", False), ("je veux mourir", True)]
    dutch, french = behind_openings(examples, openings)
    assert dutch[1] is False and french[1] is True
    assert any(dutch[0] == f"{o} {examples[0][0]}" for o in openings["nl"])
    assert any(french[0] == f"{o} {examples[1][0]}" for o in openings["fr"])
    assert behind_openings(examples, openings) == [dutch, french]  # the same every training


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_polite_opening_before_an_ordinary_question_raises_no_alarm(agent, language):
    said = _said(agent, ORDINARY[language])
    assert said == [None] * len(ORDINARY[language])


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_polite_opening_does_not_hide_danger(agent, language):
    assert None not in _said(agent, DANGER[language])


def test_the_polite_set_keeps_every_danger_and_few_false_alarms(agent):
    messages = crisis_messages(["tests/data/crisis_v9"])
    said = _said(agent, [m["text"] for m in messages])
    missed = [m["text"] for m, s in zip(messages, said, strict=True) if m["danger"] and not s]
    near_misses = [s for m, s in zip(messages, said, strict=True) if not m["danger"]]
    assert missed == []
    assert sum(s is not None for s in near_misses) / len(near_misses) <= (
        POLITE_NEAR_MISS_ALARMS_CEILING
    )
