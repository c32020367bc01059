"""The parts of a long message the intent classifier also reads on their own
(bot/nlu/message_parts.py)."""

from __future__ import annotations

import re

from bot.nlu.message_parts import parts, sentence_spans


def words_of(text: str) -> tuple[list[int], list[str]]:
    found = list(re.finditer(r"\w+", text))
    return [m.start() for m in found], [m.group() for m in found]


def parts_of(text: str) -> list[str]:
    starts, words = words_of(text)
    return [" ".join(group) for group in parts(text, starts, words)]


def test_a_story_then_a_question_gives_each_sentence():
    text = "Bonjour, excusez-moi de vous déranger. Où trouver une école de devoirs ?"
    assert parts_of(text) == [
        "Bonjour excusez moi de vous déranger",
        "Où trouver une école de devoirs",
    ]


def test_a_short_single_sentence_has_no_parts():
    assert parts_of("ik zoek huiswerkbegeleiding in Molenbeek") == []


def test_a_one_word_sentence_is_not_read_alone():
    assert parts_of("Merci. Je cherche un cours de français pour adultes") == [
        "Je cherche un cours de français pour adultes"
    ]


def test_a_long_dictated_message_without_punctuation_has_no_parts():
    text = (
        "goeiedag ik woon al tien jaar in de blok en mijn zoon heeft moeite op school "
        "waar kan hij hulp krijgen bij zijn huiswerk"
    )
    assert parts_of(text) == []


def test_line_breaks_end_sentences():
    assert sentence_spans("Bonjour\nma facture est trop haute") == [(0, 7), (8, 33)]
