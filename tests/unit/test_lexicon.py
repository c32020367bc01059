"""The shared vocabulary: the 19 communes, their postcodes and names in both languages."""

from bot import lexicon
from bot.lexicon.folding import fold

EXPECTED_POSTCODES = {
    1000: "bruxelles",
    1020: "bruxelles",
    1030: "schaerbeek",
    1040: "etterbeek",
    1050: "ixelles",
    1060: "saint-gilles",
    1070: "anderlecht",
    1080: "molenbeek-saint-jean",
    1081: "koekelberg",
    1082: "berchem-sainte-agathe",
    1083: "ganshoren",
    1090: "jette",
    1120: "bruxelles",
    1130: "bruxelles",
    1140: "evere",
    1150: "woluwe-saint-pierre",
    1160: "auderghem",
    1170: "watermael-boitsfort",
    1180: "uccle",
    1190: "forest",
    1200: "woluwe-saint-lambert",
    1210: "saint-josse-ten-noode",
}


def test_there_are_the_19_communes_of_the_region():
    assert len(lexicon.communes()) == 19


def test_every_postcode_of_the_region_maps_to_its_commune():
    assert lexicon.commune_by_postcode() == EXPECTED_POSTCODES


def test_every_commune_has_a_french_and_a_dutch_name():
    for commune in lexicon.communes().values():
        assert commune.fr and commune.nl
    assert lexicon.communes()["molenbeek-saint-jean"].name("nl") == "Sint-Jans-Molenbeek"
    assert lexicon.communes()["ixelles"].name("nl") == "Elsene"


def test_no_alias_points_to_two_communes():
    owner: dict[str, str] = {}
    for commune in lexicon.communes().values():
        for alias in (commune.fr, commune.nl, *commune.aliases):
            key = fold(alias)
            assert owner.setdefault(key, commune.id) == commune.id, alias


def test_category_parents_exist_and_labels_are_bilingual():
    categories = lexicon.categories()
    for category in categories.values():
        assert category.parent is None or category.parent in categories
        assert category.fr and category.nl


def test_fold_removes_case_accents_and_separators():
    assert fold("  L’École—Saint-Gilles!! ") == "l ecole saint gilles"
    assert fold("ÉCOLE") == "ecole"


def test_a_message_that_only_names_a_language_is_an_explicit_request():
    assert lexicon.explicit_language_request("NL") == "nl"
    assert lexicon.explicit_language_request("Français") == "fr"
    assert lexicon.explicit_language_request("in het Frans") == "fr"
    assert lexicon.explicit_language_request("je parle français") is None
