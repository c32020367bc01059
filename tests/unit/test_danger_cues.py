"""The line chooser for a classifier's alarm without a danger phrase (bot.safety,
bot/lexicon/danger_cues.yml): the situation whose cue words the message has most of, so
that the tenant gets that situation's numbers (suicide -> 0800 32 123 / 1813, violence ->
101, gas -> Sibelga...) and not only the general line."""

from __future__ import annotations

import pytest

from bot.safety import DANGER_CATEGORIES, detect_danger, likely_situation

# Written for this test (not from the crisis sets): no danger phrase matches any of them,
# which the first test checks, so only the cues decide.
CASES = [
    ("suicide", "je regarde la corde depuis une heure, demain ça sera fini"),
    ("suicide", "kzie het allemaal nie meer zitten, ik heb afscheid gezegd van mijn zus"),
    ("violence", "mon ex est en bas avec une batte, il est ivre"),
    ("violence", "hij is weer dronken en hij heeft een hamer in zijn hand"),
    ("medical", "papa est tout pâle et il se tient le coeur"),
    ("medical", "opa ziet bleek en grijpt naar zijn borst"),
    ("fire", "tout est noir dans la cage d'escalier et on tousse"),
    ("fire", "de frietketel, olie overal en er komt zwarte walm"),
    ("gas", "ça pue bizarre dans la cave près de la conduite"),
    ("gas", "het stinkt vreemd aan het fornuis, ik weet niet waarom"),
    ("co", "tout le monde a des vertiges et des nausées à la maison"),
    ("co", "we zijn allemaal duizelig en misselijk, de ramen zijn dicht"),
    ("poison", "le petit a mis une pile dans sa bouche je crois"),
    ("poison", "mijn zoon heeft op een batterijtje zitten kauwen"),
]


@pytest.mark.parametrize(("situation", "text"), CASES)
def test_no_danger_phrase_decides_these_cases(situation, text):
    assert detect_danger(text) is None


@pytest.mark.parametrize(("situation", "text"), CASES)
def test_the_cue_words_choose_the_situations_line(situation, text):
    assert likely_situation(text) == situation


def test_no_cue_word_keeps_the_general_line():
    assert likely_situation("venez vite s'il vous plaît") == "other"
    assert likely_situation("") == "other"


def test_a_tie_goes_to_the_earlier_situation_of_the_file():
    # one suicide cue ("je me tue") and one violence cue ("tue"): the file lists suicide first
    assert likely_situation("ce soir jme tue") == "suicide"


def test_every_cue_category_is_a_danger_category():
    from bot import lexicon

    assert set(lexicon.danger_cues()) <= set(DANGER_CATEGORIES)
