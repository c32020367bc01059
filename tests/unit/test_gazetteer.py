"""Entities a tenant's message yields: canonical commune ids whatever the spelling."""

import pytest

from bot.lexicon.gazetteer import find_entities


def entities(text: str) -> set[tuple[str, str]]:
    return {(match.entity, match.value) for match in find_entities(text)}


@pytest.mark.parametrize(
    ("text", "commune"),
    [
        ("activités pour enfants à Schaerbeek", "schaerbeek"),
        ("huiswerkbegeleiding in Schaarbeek", "schaerbeek"),
        ("ik woon in Sint-Jans-Molenbeek", "molenbeek-saint-jean"),
        ("MOLENBEEK ST JEAN", "molenbeek-saint-jean"),
        ("j'habite a molenbek", "molenbeek-saint-jean"),  # misspelled
        ("à Laeken", "bruxelles"),  # sub-locality of the City of Brussels
        ("in Laken", "bruxelles"),
        ("Neder-Over-Heembeek", "bruxelles"),
        ("Haren", "bruxelles"),
        ("Cureghem", "anderlecht"),
        ("Stokkel", "woluwe-saint-pierre"),
        ("Elsene", "ixelles"),
        ("Watermaal-Bosvoorde", "watermael-boitsfort"),
        ("sint gillis", "saint-gilles"),
        ("1210", "saint-josse-ten-noode"),
    ],
)
def test_communes_map_to_one_canonical_id(text, commune):
    assert ("commune", commune) in entities(text)


def test_a_postcode_gives_both_the_postcode_and_its_commune():
    assert entities("je suis au 1080") == {
        ("postcode", "1080"),
        ("commune", "molenbeek-saint-jean"),
    }


def test_amounts_and_unknown_numbers_are_not_postcodes():
    assert entities("mon loyer est de 1200 euros") == set()
    assert entities("1200€ par mois") == set()
    assert entities("1999") == set()


def test_weekdays_categories_and_audiences_in_both_languages():
    assert entities("cours de néerlandais le mercredi pour adultes") == {
        ("activity_category", "dutch_courses"),
        ("weekday", "WE"),
        ("audience", "adults"),
    }
    assert entities("voetbal voor kinderen op zaterdag") == {
        ("activity_category", "football"),
        ("audience", "children"),
        ("weekday", "SA"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "waar kan ik hulp krijgen met mijn computer in Schaarbeek",
        "ik wil hulp met mijn pc",
        "où trouver de l'aide avec mon smartphone",
        "j'ai besoin d'aide pour mon pc",
    ],
)
def test_asking_for_help_with_a_computer_or_phone_names_digital_help(text):
    assert ("activity_category", "digital_help") in entities(text)


def test_weekend_means_saturday_and_sunday():
    assert entities("le weekend") == {("weekday", "SA"), ("weekday", "SU")}


def test_longest_phrase_wins():
    # "cours de français" is a category, not a request to speak French
    assert entities("un cours de français") == {("activity_category", "french_courses")}
    assert ("target_language", "fr") in entities("vous parlez français ?")


def test_french_dans_is_not_the_dutch_word_for_dance():
    assert entities("du sport dans Schaerbeek") == {
        ("activity_category", "sport"),
        ("commune", "schaerbeek"),
    }
    assert entities("dansen voor kinderen") == {
        ("activity_category", "dance"),
        ("audience", "children"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "de l'aide avec l'ordinateur près de chez moi",
        "aide pour mon téléphone à Jette",
        "computerhulp in de buurt",
        "hulp met mijn gsm in Evere",
    ],
)
def test_help_with_the_computer_or_phone_is_digital_help(text):
    assert ("activity_category", "digital_help") in entities(text)


def test_offsets_point_at_the_words_in_the_original_text():
    text = "Sport à ST-GILLES svp"
    commune = next(m for m in find_entities(text) if m.entity == "commune")
    assert text[commune.start : commune.end] == "ST-GILLES"


def test_ordinary_words_are_not_communes():
    assert entities("ma fenêtre est cassée") == set()
    assert entities("merci beaucoup") == set()
    assert entities("") == set()
    assert entities("👍🙏") == set()
