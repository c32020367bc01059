"""A household's situation told during a question is more of that question; a request,
a feeling the assistant answers, or danger is not (bot/circumstances.py)."""

from __future__ import annotations

import pytest

from actions.topics import tells_more_of_question
from bot.circumstances import tells_household_situation


@pytest.mark.parametrize(
    "text",
    [
        "mijn man is ziek en we hebben alleen nog het ziekengeld van de mutualiteit",
        "we hebben ne baby van 3 maand",
        "mon mari est malade depuis janvier",
        "on a un bébé de 2 mois à la maison",
        "ma fille a de l'asthme",
    ],
)
def test_the_household_told_without_a_request_is_more_of_the_question(text):
    assert tells_household_situation(text)


@pytest.mark.parametrize(
    "text",
    [
        "ik wil verhuizen want we hebben een baby",  # a request of its own
        "je cherche une activité pour mon fils",
        "kan mijn zoon bij jullie sporten?",
        "j'ai besoin d'aide pour mon fils",
        "je me sens seule depuis que mon mari est parti",  # loneliness: answered as such
        "mon voisin fait du bruit toute la nuit",  # a neighbour is no household
        "mon mari me frappe",  # danger goes first
        "le chauffage ne marche plus",  # nobody of the household
    ],
)
def test_a_request_a_feeling_a_neighbour_or_danger_is_not(text):
    assert not tells_household_situation(text)


def test_only_during_a_tenant_question():
    told = "mijn man is ziek"
    assert tells_more_of_question({"in_topic": True, "topic": "payment"}, told)
    assert not tells_more_of_question({"in_topic": False, "topic": "payment"}, told)
    assert not tells_more_of_question({"in_topic": True, "topic": "search"}, told)
