"""The danger classifier (bot/nlu/danger_classifier.py) and the override that lets it, not
the intent classifier, decide whether urgent_help stays in the ranking."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.danger_classifier import (
    DangerClassifier,
    behind_openings,
    crisis_examples,
    openings,
    trained_danger_model,
)
from bot.nlu.intent_overrides import SafetyLayer, UrgentHelpNeedsDanger
from bot.safety import detect_danger, likely_situation
from tests.unit.test_nlu_components import classified, context, create

INTENT_EXAMPLES = {
    "urgent_help": ["je veux mourir", "il me frappe", "ik wil dood", "hij slaat mij"],
    "rent_question": ["mon loyer augmente", "pourquoi ce loyer", "mijn huur", "de huur is hoog"],
    "greet": ["bonjour", "salut", "hallo", "goeiedag"],
}


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def test_the_crisis_sets_give_danger_and_near_misses_of_both_languages():
    examples = crisis_examples(["tests/data/crisis"])
    assert {danger for _, danger in examples} == {True, False}
    assert len(examples) > 700  # v1: 184 danger messages and 187 near-misses per language


def test_it_learns_the_crisis_sets_persists_and_loads(storage):
    resource = Resource("danger")
    config = DangerClassifier.get_default_config()
    trained = DangerClassifier.create(config, storage, resource, context())
    data = [
        Message(data={TEXT: text, "intent": intent})
        for intent, texts in INTENT_EXAMPLES.items()
        for text in texts
    ]
    trained.train(TrainingData(data))
    loaded = DangerClassifier.load(config, storage, resource, context())
    danger, calm = Message(data={TEXT: "je vais me tuer ce soir"}), Message(data={TEXT: "bonjour"})
    loaded.process([danger, calm])
    assert danger.get("danger_probability") > 0.5 > calm.get("danger_probability")
    assert danger.get("danger_situation") == "suicide"


def test_the_situation_model_names_the_line_of_danger_no_phrase_matches(storage):
    resource = Resource("danger")
    config = DangerClassifier.get_default_config()
    trained = DangerClassifier.create(config, storage, resource, context())
    trained.train(TrainingData([Message(data={TEXT: "bonjour", "intent": "greet"})]))
    texts = {
        "violence": "mon mari a cassé la porte, il hurle qu'il va me faire regretter",
        "suicide": "demain je ne serai plus là, j'ai tout préparé",
    }
    messages = {line: Message(data={TEXT: text}) for line, text in texts.items()}
    trained.process(list(messages.values()))
    assert {line: m.get("danger_situation") for line, m in messages.items()} == {
        line: line for line in texts
    }


def test_the_alarm_takes_the_situation_model_line_when_no_phrase_names_one(storage):
    ranking = [{"name": "loneliness", "confidence": 0.9}]
    # no danger phrase, no cue word: without the model the line would be the general one
    text = "il est rentré ce soir et je ne sais pas comment ça va finir"
    assert detect_danger(text) is None and likely_situation(text) == "other"
    message = classified(text, "loneliness", ranking, 0.9)
    message.set("danger_situation", "violence")
    create(SafetyLayer, storage).process([message])
    danger = [e["value"] for e in message.get("entities") if e["entity"] == "danger"]
    assert danger == ["violence"]


def test_a_phrase_names_the_situation_whatever_the_situation_model_says(storage):
    message = classified(
        "ça sent le gaz", "report_repair", [{"name": "report_repair", "confidence": 0.9}]
    )
    message.set("danger_situation", "violence")
    create(SafetyLayer, storage).process([message])
    danger = [e["value"] for e in message.get("entities") if e["entity"] == "danger"]
    assert danger == ["gas"]


def test_its_fingerprint_follows_the_crisis_files(tmp_path, monkeypatch):
    import bot.nlu.danger_classifier as module

    (tmp_path / "set").mkdir()
    path = tmp_path / "set" / "fr.yml"
    path.write_text('messages: [{text: "au feu", danger: true}]\n', encoding="utf-8")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    before = DangerClassifier.fingerprint_addon({"crisis_sets": ["set"]})
    path.write_text('messages: [{text: "au feu !", danger: true}]\n', encoding="utf-8")
    assert DangerClassifier.fingerprint_addon({"crisis_sets": ["set"]}) != before


def test_the_fingerprint_follows_the_openings_and_their_share():
    config = DangerClassifier.get_default_config()
    other_share = {**config, "opening_share": 0.5}
    heavier = {**config, "intent_weight": 3.0}
    base = DangerClassifier.fingerprint_addon(config)
    assert len({base, DangerClassifier.fingerprint_addon(other_share)}) == 2
    assert DangerClassifier.fingerprint_addon(heavier) != base


def test_the_hand_typed_openings_are_there_in_both_languages():
    found = openings(DangerClassifier.get_default_config()["openings"])
    assert set(found) == {"fr", "nl"}
    assert all(len(lines) >= 50 for lines in found.values())


def test_a_share_of_the_examples_comes_behind_an_opening_of_its_language_with_its_label():
    by_language = {"fr": ["Bonjour madame, excusez-moi,"], "nl": ["Goeiedag mevrouw, sorry,"]}
    examples = [(f"je voudrais changer de logement numero {n}", n % 7 == 0) for n in range(200)]
    examples += [
        (f"ik wil graag verhuizen naar een andere woning nummer {n}", False) for n in range(200)
    ]
    placed = behind_openings(examples, by_language, 0.25)
    assert [danger for _, danger in placed] == [danger for _, danger in examples]
    french = [text for text, _ in placed[:200] if text.startswith("Bonjour")]
    dutch = [text for text, _ in placed[200:] if text.startswith("Goeiedag")]
    assert 25 <= len(french) <= 75 and 25 <= len(dutch) <= 75  # about a quarter each
    assert not any(text.startswith("Goeiedag") for text, _ in placed[:200])
    assert behind_openings(examples, by_language, 0.0) == examples


def test_heavier_intents_lower_the_danger_of_what_they_call_ordinary():
    config = {**DangerClassifier.get_default_config(), "opening_share": 0.0}
    intents = [("la fumee du barbecue du voisin entre chez moi", False)] * 3
    intents += [("je veux mourir ce soir", True)] * 3
    crisis = [("la fumee envahit la cage d escalier au secours", True)] * 6
    light = trained_danger_model({**config, "intent_weight": 1.0}, intents, crisis)
    heavy = trained_danger_model({**config, "intent_weight": 4.0}, intents, crisis)
    text = ["la fumee du barbecue du voisin entre chez moi"]
    column = list(light.classes_).index(True)
    assert heavy.predict_proba(text)[0, column] < light.predict_proba(text)[0, column]


def test_urgent_help_leaves_the_ranking_when_the_danger_classifier_sees_none(storage):
    ranking = [
        {"name": "urgent_help", "confidence": 0.6},
        {"name": "report_repair", "confidence": 0.3},
    ]
    message = classified("il fait froid dans tout l'appartement", "urgent_help", ranking, 0.29)
    create(UrgentHelpNeedsDanger, storage).process([message])
    assert message.get("intent")["name"] == "report_repair"
    assert [row["name"] for row in message.get("intent_ranking")] == ["report_repair"]


def test_urgent_help_stays_when_the_danger_classifier_agrees(storage):
    ranking = [
        {"name": "urgent_help", "confidence": 0.6},
        {"name": "loneliness", "confidence": 0.3},
    ]
    message = classified("je ne serai plus un poids pour personne", "urgent_help", ranking, 0.7)
    create(UrgentHelpNeedsDanger, storage).process([message])
    assert message.get("intent")["name"] == "urgent_help"


def test_the_intent_classifier_alone_raises_no_alarm(storage):
    ranking = [{"name": "urgent_help", "confidence": 0.9}]
    message = classified("il fait froid dans tout l'appartement", "urgent_help", ranking, 0.3)
    create(SafetyLayer, storage).process([message])
    assert message.get("alarm") is None


def test_the_safety_layer_raises_the_alarm_on_the_danger_probability(storage):
    ranking = [{"name": "loneliness", "confidence": 0.9}]  # the intent classifier saw none
    message = classified("je ne serai plus un poids pour personne", "loneliness", ranking, 0.9)
    create(SafetyLayer, storage).process([message])
    assert message.get("intent") == {"name": "urgent_help", "confidence": 1.0}
    assert message.get("alarm") == {"by": "classifier", "weak": False, "confidence": 0.9}


def test_a_danger_phrase_raises_the_alarm_whatever_the_danger_probability(storage):
    message = classified(
        "ça sent le gaz", "report_repair", [{"name": "report_repair", "confidence": 0.9}]
    )
    message.set("danger_probability", 0.01)
    create(SafetyLayer, storage).process([message])
    assert message.get("intent")["name"] == "urgent_help"
    assert message.get("alarm")["by"] == "phrase"
