"""A missing child and a hissing gas pipe raise the alarm by phrase (issue 19): behind a
polite opening the danger classifier no longer caught them (README, robustness). Objects
that disappear and pets do not."""

from __future__ import annotations

import pytest

from bot.safety import detect_danger

DANGER = [
    ("ma fille a disparu depuis ce matin", "other"),
    ("mon fils de 6 ans est parti, je le trouve nulle part", "other"),
    ("mijn dochter van 8 is al twee uur vermist", "other"),
    ("Goedendag, sorry dat ik stoor. Mijn zoontje is weg, ik vind hem nergens", "other"),
    ("le tuyau de gaz siffle derrière la cuisinière", "gas"),
    ("Dag mevrouw. De gasleiding in de kelder sist al een kwartier", "gas"),
]
NOT_DANGER = [
    "la photo de ma fille a disparu de mon téléphone",
    "le petit chat a disparu",
    "je ne retrouve pas le bulletin de mon fils",
    "mijn zoon zijn fiets is verdwenen",
    "het speelgoed van mijn dochter is verdwenen",
    "mijn dochter is op kamp tot vrijdag",
]


@pytest.mark.parametrize(("text", "category"), DANGER)
def test_a_missing_child_or_a_hissing_gas_pipe_raises_the_alarm(text, category):
    signal = detect_danger(text)
    assert signal is not None and signal.category == category


@pytest.mark.parametrize("text", NOT_DANGER)
def test_a_lost_object_or_a_pet_raises_no_alarm(text):
    assert detect_danger(text) is None
