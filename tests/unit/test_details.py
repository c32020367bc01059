"""What a tenant adds to a question, said back in their language (bot/details.py)."""

from __future__ import annotations

import pytest

from bot.details import as_slot_values, extract_details, from_slot_values, said_back
from bot.lexicon.gazetteer import find_entities


@pytest.mark.parametrize(
    ("text", "french", "dutch"),
    [
        (
            "depuis une semaine, et les radiateurs sont froids",
            "le chauffage, depuis une semaine",
            "de verwarming, depuis une semaine",
        ),
        (
            "j'ai reçu la lettre en mars, c'est 60 euros de plus",
            "la lettre reçue, 60 €, en mars",
            "de brief, 60 €, in maart",
        ),
        ("de lift is weer kapot, voor de derde keer", "l'ascenseur, 3e fois", "de lift, 3de keer"),
        ("al een week geen warm water", "l'eau chaude, al een week", "het warm water, al een week"),
        ("j'habite au 5e étage", "5e étage", "5de verdieping"),
    ],
)
def test_details_are_said_back_in_the_conversation_language(text, french, dutch):
    details = extract_details(text)
    assert said_back(details, "fr") == french
    assert said_back(details, "nl") == dutch


def test_a_message_without_details_gives_none():
    assert extract_details("bonjour, j'ai une question") == []
    assert extract_details("ok merci") == []


def test_details_survive_the_slot():
    details = extract_details("60 € depuis mars, la 2e fois")
    assert from_slot_values(as_slot_values(details)) == details


@pytest.mark.parametrize(
    ("text", "age"),
    [("elle a 13 ans", "13"), ("pour mon fils de 10 ans", "10"), ("mijn zoon van 9 jaar", "9")],
)
def test_an_age_is_an_entity(text, age):
    assert [m.value for m in find_entities(text) if m.entity == "age"] == [age]


@pytest.mark.parametrize("text", ["depuis 3 ans", "sinds 2 jaar", "al 3 jaar", "60 euros"])
def test_a_duration_or_an_amount_is_no_age(text):
    assert not [m for m in find_entities(text) if m.entity == "age"]


def test_a_relative_named_is_not_the_audience_of_the_search():
    found = find_entities("ma femme et moi avons 81 ans, quelque chose pour pensionnés")
    assert [m.value for m in found if m.entity == "audience"] == ["seniors"]
    found = find_entities("iets voor mijn vrouw en mij, wij zijn gepensioneerden")
    assert [m.value for m in found if m.entity == "audience"] == ["seniors"]
