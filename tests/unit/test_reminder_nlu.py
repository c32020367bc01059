"""Asking for a reminder is understood, and "rappelez-moi" still asks for a person (the two
verbs share the lemma "rappeler": bot.nlu.intent_overrides.CallBackRequest tells them apart),
with the trained model (`make train`)."""

from __future__ import annotations

import asyncio

import pytest

from bot.lexicon.folding import fold
from bot.nlu.intent_overrides import CALL_BACK, REMINDER_CUES

# Written for this test, not copied from the training data.
REMINDERS = [
    "rappelle moi samedi",
    "tu me rappelles la veille ?",
    "rappel 3 svp",
    "je veux bien un rappel",
    "/remind_me",
    "herinner me er morgen aan",
    "herinner 2 aub",
    "stuur me de dag ervoor een herinnering",
]
CALL_BACKS = [
    "rappelez-moi",
    "Rappelez moi svp",
    "rappelez-moi vite svp",
    "vous pouvez me rappeler cet après-midi",
    "bel me terug aub",
]


def intent(agent, text: str) -> str:
    return asyncio.run(agent.parse_message(text))["intent"]["name"]


@pytest.mark.parametrize("text", REMINDERS)
def test_a_reminder_request_is_understood(agent, text):
    assert intent(agent, text) == "remind_me"


@pytest.mark.parametrize("text", CALL_BACKS)
def test_call_me_back_is_still_a_person(agent, text):
    assert intent(agent, text) == "human_handoff"


def test_the_call_back_rule_reads_the_verb_form():
    assert CALL_BACK.search(fold("Rappelez-moi")) and CALL_BACK.search(fold("rapellez moi"))
    assert not CALL_BACK.search(fold("rappelle-moi")) and not CALL_BACK.search(fold("rappel"))
    assert REMINDER_CUES.search(fold("rappelez-moi la veille de l'activité"))
