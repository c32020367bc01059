"""The classifier's spelling correction (bot/nlu/spelling.py): a word the training data
never holds takes the lemma of the nearest word it does hold, and nothing else changes."""

from __future__ import annotations

from bot.lexicon.folding import fold
from bot.nlu.spelling import Vocabulary

VOCABULARY = Vocabulary.build(
    [
        ("fr", "inscription", "inscription"),
        ("fr", "loyer", "loyer"),
        ("fr", "loyers", "loyer"),
        ("fr", "payer", "payer"),
        ("fr", "devoirs", "devoir"),
        ("fr", "devoirs", "devoir"),
        ("fr", "devins", "devin"),
        ("fr", "école", "ecole"),
        ("nl", "huurachterstand", "huurachterstand"),
        ("nl", "huur", "huur"),
    ]
)


def corrected(language: str, word: str, lemma: str | None = None) -> str:
    return VOCABULARY.corrected_lemma(language, word, lemma or fold(word))


def test_two_swapped_letters_find_the_word():
    assert corrected("fr", "inscirption") == "inscription"
    assert corrected("fr", "loyre") == "loyer"
    assert corrected("nl", "huurachtrestand") == "huurachterstand"


def test_a_long_word_may_be_two_edits_away_a_short_one_only_one():
    assert corrected("nl", "huurachtrstnd") == "huurachterstand"
    assert corrected("fr", "loiyre") == "loiyre"


def test_accents_and_capitals_do_not_count_as_errors():
    assert corrected("fr", "ECOLE", "ecole") == "ecole"
    assert corrected("fr", "Écolle") == "ecole"


def test_a_known_word_or_lemma_is_left_alone():
    # "devins" is one edit from "devoirs", but it is a word of the data
    assert corrected("fr", "devins", "devin") == "devin"
    # never seen as written, but its lemma is known
    assert corrected("fr", "payé", "payer") == "payer"


def test_short_words_and_words_with_digits_are_left_alone():
    assert corrected("fr", "pyer") == "pyer"
    assert corrected("fr", "cest") == "cest"
    assert corrected("fr", "1000e") == "1000e"


def test_a_word_the_lemma_table_knows_is_no_typo():
    # the tokenizer found a lemma of its own ("verschoven" -> "verschuiven"): a real word
    assert corrected("nl", "huurachtrestand", "huurachterstand") == "huurachterstand"
    assert corrected("fr", "inscirption", "inscrire") == "inscrire"


def test_the_other_language_is_not_used():
    assert corrected("nl", "inscirption") == "inscirption"


def test_a_word_far_from_every_known_word_is_left_alone():
    assert corrected("fr", "wallah") == "wallah"


def test_the_most_frequent_near_word_wins_a_tie():
    # "devoirx" is one edit from "devoirs" (twice in the data) and from no other word
    assert corrected("fr", "devoirx") == "devoir"
