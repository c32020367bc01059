"""With the trained model (`make train`): a question after a story, a dictated message and
a misspelled word are still understood (bot/nlu/message_parts.py, bot/nlu/spelling.py),
and a danger told in one sentence of a story still raises the alarm. Written for this
test, not copied from the training data."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.robustness import PREAMBLE
from bot.nlu.linear_classifier import CalibratedLinearIntentClassifier

STORY_THEN_QUESTION = [
    (
        "Bonjour madame, je vous écris le soir parce que la journée je travaille et je n'ai "
        "jamais le temps. Mon fils a des mauvaises notes en math, qui peut l'aider après "
        "l'école ?",
        "school_support",
    ),
    (
        "Goedenavond, ik woon hier al twaalf jaar en ik heb nooit problemen gehad. "
        "Deze maand kan ik mijn huur niet betalen, wat moet ik doen?",
        "payment_difficulty",
    ),
    (
        "bonjour je vous appelle de la part de ma maman elle parle pas bien français "
        "elle a une fuite d'eau sous l'évier depuis hier",
        "report_repair",
    ),
]
MISSPELLED = [
    ("je n'arrive plus à payer mon lyoer", "payment_difficulty"),
    ("ik wil een herstelling melden, de verwraming is kapot", "report_repair"),
]
DANGER_IN_A_STORY = (
    "Bonjour, je vous écris pour le chauffage qui ne marche pas bien depuis une semaine. "
    "Et puis de toute façon je n'en peux plus, je veux en finir avec la vie."
)


def intent(agent, text: str) -> str:
    return asyncio.run(agent.parse_message(text))["intent"]["name"]


@pytest.mark.parametrize(("text", "expected"), STORY_THEN_QUESTION)
def test_the_question_after_a_story_is_understood(agent, text, expected):
    assert intent(agent, text) == expected


@pytest.mark.parametrize(("text", "expected"), MISSPELLED)
def test_a_misspelled_word_is_understood(agent, text, expected):
    assert intent(agent, text) == expected


def test_danger_in_one_sentence_of_a_story_raises_the_alarm(agent):
    assert intent(agent, DANGER_IN_A_STORY) == "urgent_help"


def _classifier(agent):
    """The trained model's intent classifier (a Rasa graph node's component)."""
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    components = (node._component for node in nodes)
    return next(c for c in components if isinstance(c, CalibratedLinearIntentClassifier))


def _top(agent, text: str) -> dict:
    return asyncio.run(agent.parse_message(text))["intent_ranking"][0]


def test_the_question_sentence_is_read_apart_from_the_story(agent):
    # The question sentence is read on its own: read whole, the story drowns it; with parts
    # and no margin, the sentence's surer reading is the one kept. How much surer it must
    # be in production is `part_margin`, tuned on the tuning split (make bench-robustness):
    # this test checks the reading, not that one example clears the tuned margin.
    question = "De verwarming werkt niet meer."
    text = PREAMBLE["nl"] + question
    classifier = _classifier(agent)
    alone = _top(agent, question)
    margin = classifier.config["part_margin"]
    try:
        classifier.config["part_margin"] = 0.0
        with_parts = _top(agent, text)
        classifier.config["message_parts"] = False
        whole_only = _top(agent, text)
    finally:
        classifier.config["message_parts"] = True
        classifier.config["part_margin"] = margin
    assert with_parts["name"] == alone["name"] == "report_repair"
    assert whole_only["confidence"] < alone["confidence"]
    assert with_parts["confidence"] == pytest.approx(alone["confidence"], abs=1e-6)


def test_the_trained_vocabulary_is_stored_with_the_model(agent):
    vocabulary = _classifier(agent).vocabulary
    assert vocabulary is not None
    assert vocabulary.corrected_lemma("fr", "lyoer", "lyoer") == "loyer"
    assert vocabulary.corrected_lemma("nl", "verwraming", "verwraming") == "verwarming"
