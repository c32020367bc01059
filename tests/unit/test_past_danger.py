"""A danger told as past and over raises no alarm (bot.safety.is_past_and_over), unless the
message says it may come back or the tenant is afraid now: then it still does. Examples
written for this test, not taken from the crisis sets."""

from __future__ import annotations

import pytest

from bot.safety import detect_danger, is_past_and_over

PAST_AND_OVER = [
    "Il y a trois semaines il y a eu un incendie dans la cave, c'est fini. Qui repeint le mur ?",
    "Le mois passé mon voisin a fait un malaise, il va bien. Il voudrait une sonnette d'alarme.",
    "Vorige maand was er een brand in de kelder, alles is voorbij. Wie schildert de muur?",
    "Vorige week zat ik vast in de lift, de technieker haalde me eruit. Wordt hij gecontroleerd?",
]
STILL_GOING_ON = [
    "La semaine passée il m'a frappée, ça va mieux, mais il revient ce soir et j'ai peur.",
    "Vorige week heeft hij me geslagen, het gaat goed nu, maar hij komt terug en ik ben bang.",
    "Il y a deux jours ça sentait le gaz, Sibelga est venu, mais ça sent encore le gaz.",
    "Sinds vorige week ruikt de keuken naar gas.",
]


@pytest.mark.parametrize("text", PAST_AND_OVER)
def test_a_danger_that_is_past_and_over_raises_no_alarm(text):
    assert is_past_and_over(text)
    assert detect_danger(text) is None


@pytest.mark.parametrize("text", STILL_GOING_ON)
def test_a_danger_that_may_come_back_still_raises_the_alarm(text):
    assert not is_past_and_over(text)
    assert detect_danger(text) is not None
