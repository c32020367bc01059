"""A danger told as past and over raises no alarm (bot.safety.is_past_and_over), unless the
message says it may come back or the tenant is afraid now: then it still does. Examples
written for this test, not taken from the crisis sets."""

from __future__ import annotations

import pytest

from bot.safety import detect_danger, is_past_and_over, names_harmless_smell

PAST_AND_OVER = [
    "Il y a trois semaines il y a eu un incendie dans la cave, c'est fini. Qui repeint le mur ?",
    "Le mois passé mon voisin a fait un malaise, il va bien. Il voudrait une sonnette d'alarme.",
    "Vorige maand was er een brand in de kelder, alles is voorbij. Wie schildert de muur?",
    "Vorige week zat ik vast in de lift, de technieker haalde me eruit. Wordt hij gecontroleerd?",
    "Hier la poubelle du local vélos a brûlé, les pompiers l'ont éteint. Qui nettoie les murs ?",
    "Gisteren was er een brandje op de derde, de brandweer heeft alles geblust. Wie kuist de trap?",
    "Il y a eu une odeur de gaz lundi passé, Sibelga est venu et c'était réglé. Qui paie ?",
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


@pytest.mark.parametrize(
    "text",
    [
        "c est dans la chambre des petits et ca sent le moisi partout",
        "de buren roken op de trap en heel de gang stinkt",
        "ça pue l'égout dans la salle de bain",
    ],
)
def test_a_smell_with_a_harmless_source_is_named_so(text):
    assert names_harmless_smell(text)


@pytest.mark.parametrize(
    "text",
    ["ça sent bizarre dans la cuisine depuis ce matin", "het stinkt naar gas in de gang"],
)
def test_a_smell_without_a_harmless_source_is_not(text):
    assert not names_harmless_smell(text)


def test_the_classifier_raises_no_alarm_on_a_harmless_smell_but_a_phrase_still_does(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.intent_overrides import SafetyLayer

    layer = SafetyLayer.create(
        SafetyLayer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("safety"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    ranking = [{"name": "report_repair", "confidence": 0.5}]
    mould = Message(
        data={
            "text": "ça sent le moisi partout",
            "intent_ranking": ranking,
            "danger_probability": 0.9,
        }
    )
    gas = Message(
        data={
            "text": "ça sent le gaz et le moisi",
            "intent_ranking": ranking,
            "danger_probability": 0.9,
        }
    )
    layer.process([mould, gas])
    assert mould.get("alarm") is None
    assert gas.get("alarm")["by"] == "phrase"


# A fire or a gas smell denied in so many words raises no phrase alarm (the classifier
# still may); a denial never silences the other situations, nor a fire said elsewhere.
DENIED = [
    "Le four fait sauter le compteur, rien n'a pris feu, mais je n'ose plus l'utiliser.",
    "Ça pue dans le hall à cause des poubelles, pas d'incendie bien sûr.",
    "Ça ne sent pas le gaz, c'est l'évier qui sent mauvais.",
    "Het stinkt in de gang naar wierook, geen brand hoor, gewoon sterk.",
]
NOT_DENIED = [
    ("Pas de fumée dans la cuisine mais ça sent le gaz très fort", "gas"),
    ("Geen brand te zien, maar er komt rook uit het stopcontact", "fire"),
    ("Je ne veux plus vivre, je n'en peux plus", "suicide"),
    ("Ik wil niet meer leven", "suicide"),
    ("ik durf niet brandweer te bellen", "fire"),
]


@pytest.mark.parametrize("text", DENIED)
def test_a_fire_or_gas_the_tenant_denies_raises_no_phrase_alarm(text):
    assert detect_danger(text) is None


@pytest.mark.parametrize(("text", "category"), NOT_DENIED)
def test_a_denial_silences_neither_a_danger_said_elsewhere_nor_other_situations(text, category):
    signal = detect_danger(text)
    assert signal is not None and signal.category == category
