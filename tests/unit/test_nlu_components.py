"""The custom Rasa NLU components, run through Rasa's component interfaces."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entity_extractor import LexiconEntityExtractor
from bot.nlu.intent_overrides import ExplicitLanguageRequest, SafetyLayer
from bot.nlu.language_identifier import LanguageIdentifier
from bot.nlu.linear_classifier import CalibratedLinearIntentClassifier
from bot.nlu.tokenizer import BilingualSpacyTokenizer, message_language


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def create(component, storage, config=None, name="node"):
    config = {**component.get_default_config(), **(config or {})}
    return component.create(config, storage, Resource(name), context())


@pytest.fixture
def language_identifier(storage):
    return create(LanguageIdentifier, storage)


@pytest.fixture
def tokenizer(storage):
    return create(BilingualSpacyTokenizer, storage)


def prepared(text: str, language_identifier, tokenizer, **data) -> Message:
    message = Message(data={TEXT: text, **data})
    language_identifier.process([message])
    tokenizer.process([message])
    return message


def test_language_identifier_sets_language_on_messages_and_training_data(language_identifier):
    message = Message(data={TEXT: "goeiedag, ik zoek huiswerkbegeleiding voor mijn zoon"})
    language_identifier.process([message])
    assert message.get("language")["code"] == "nl"
    assert message.get("language")["reliable"] is True
    example = Message(data={TEXT: "bonjour je cherche une école de devoirs", "intent": "x"})
    language_identifier.process_training_data(TrainingData([example]))
    assert example.get("language")["code"] == "fr"


def test_tokenizer_uses_french_rules_and_folded_lemmas(language_identifier, tokenizer):
    message = prepared("Les enfants allaient à l'école", language_identifier, tokenizer)
    tokens = message.get(TEXT_TOKENS)
    assert [t.text for t in tokens] == ["Les", "enfants", "allaient", "à", "l'", "école"]
    assert [t.lemma for t in tokens] == ["le", "enfant", "aller", "a", "le", "ecole"]
    assert tokens[-1].start == len("Les enfants allaient à l'")


def test_tokenizer_uses_dutch_rules_for_dutch(language_identifier, tokenizer):
    message = prepared("de kinderen gingen naar school", language_identifier, tokenizer)
    assert [t.lemma for t in message.get(TEXT_TOKENS)] == [
        "de",
        "kinderen",
        "gaan",
        "naar",
        "school",
    ]


def test_tokenizer_follows_the_channel_hint_when_the_language_is_unclear(
    language_identifier, tokenizer
):
    # "kinderen" is lemmatised only by the Dutch table, "enfants" only by the French one
    dutch = prepared(
        "les kinderen", language_identifier, tokenizer, metadata={"language_hint": "nl"}
    )
    french = prepared(
        "les kinderen", language_identifier, tokenizer, metadata={"language_hint": "fr"}
    )
    assert message_language(dutch) == "nl" and message_language(french) == "fr"
    long_dutch = "goeiedag ik zoek huiswerkbegeleiding voor mijn kinderen"
    assert (
        message_language(
            prepared(long_dutch, language_identifier, tokenizer, metadata={"language_hint": "fr"})
        )
        == "nl"
    )


@pytest.mark.parametrize("text", ["👍", "!!!", "   ", "a" * 2000, "é" * 10])
def test_tokenizer_survives_odd_input(language_identifier, tokenizer, text):
    message = prepared(text, language_identifier, tokenizer)
    assert len(message.get(TEXT_TOKENS)) >= 1


def test_entity_extractor_adds_canonical_entities(storage):
    extractor = create(LexiconEntityExtractor, storage)
    message = Message(data={TEXT: "foot pour ados à Schaerbeek mercredi"})
    extractor.process([message])
    found = {(e["entity"], e["value"]) for e in message.get("entities")}
    assert found == {
        ("activity_category", "football"),
        ("audience", "teenagers"),
        ("commune", "schaerbeek"),
        ("weekday", "WE"),
    }


def classified(
    text: str, intent: str, ranking: list[dict], danger_probability: float = 0.0
) -> Message:
    """A message as the classifiers leave it: the intent ranking and the danger classifier's
    probability (bot/nlu/danger_classifier.py)."""
    return Message(
        data={
            TEXT: text,
            "intent": {"name": intent, "confidence": ranking[0]["confidence"]},
            "intent_ranking": ranking,
            "entities": [],
            "danger_probability": danger_probability,
        }
    )


def test_safety_layer_raises_an_alarm_the_classifier_missed(storage):
    layer = create(SafetyLayer, storage)
    message = classified(
        "ça sent le gaz", "report_repair", [{"name": "report_repair", "confidence": 0.9}]
    )
    layer.process([message])
    assert message.get("intent") == {"name": "urgent_help", "confidence": 1.0}
    assert {"entity": "danger", "value": "gas"}.items() <= message.get("entities")[0].items()


def test_safety_layer_overrides_a_fallback(storage):
    layer = create(SafetyLayer, storage)
    message = classified(
        "jveu mourir", "nlu_fallback", [{"name": "nlu_fallback", "confidence": 0.45}]
    )
    layer.process([message])
    assert message.get("intent")["name"] == "urgent_help"


def test_safety_layer_follows_a_classifier_that_sees_danger(storage):
    layer = create(SafetyLayer, storage)
    ranking = [
        {"name": "loneliness", "confidence": 0.5},
        {"name": "urgent_help", "confidence": 0.45},
    ]
    message = classified("je vois plus d'issue", "loneliness", ranking, danger_probability=0.7)
    layer.process([message])
    assert message.get("intent")["name"] == "urgent_help"
    # no danger phrase, but "plus d'issue" chooses the suicide line (danger_cues.yml)
    assert message.get("entities")[0]["value"] == "suicide"


def test_a_classifier_alarm_without_a_cue_word_gets_the_general_line(storage):
    layer = create(SafetyLayer, storage)
    ranking = [{"name": "urgent_help", "confidence": 0.6}]
    message = classified(
        "venez s'il vous plaît, c'est grave", "urgent_help", ranking, danger_probability=0.7
    )
    layer.process([message])
    assert message.get("entities")[0]["value"] == "other"


def test_cue_words_alone_never_raise_an_alarm(storage):
    layer = create(SafetyLayer, storage)
    ranking = [
        {"name": "report_repair", "confidence": 0.8},
        {"name": "urgent_help", "confidence": 0.1},
    ]
    message = classified(
        "la cuisinière sent bizarre et le compteur fait du bruit", "report_repair", ranking
    )
    layer.process([message])
    assert message.get("intent")["name"] == "report_repair"
    assert message.get("entities") == []


def test_safety_layer_leaves_ordinary_messages_alone(storage):
    layer = create(SafetyLayer, storage)
    ranking = [
        {"name": "rent_question", "confidence": 0.8},
        {"name": "urgent_help", "confidence": 0.1},
    ]
    message = classified("pourquoi mon loyer augmente", "rent_question", ranking)
    layer.process([message])
    assert message.get("intent")["name"] == "rent_question"


def test_explicit_language_words_become_change_language(storage):
    component = create(ExplicitLanguageRequest, storage)
    message = classified("NL", "inform", [{"name": "inform", "confidence": 0.6}])
    component.process([message])
    assert message.get("intent")["name"] == "change_language"
    assert message.get("entities")[-1]["value"] == "nl"


def test_classifier_trains_persists_and_loads(storage, language_identifier, tokenizer):
    phrases = {
        "greet": ["bonjour", "salut", "bjr", "hallo", "goeiedag", "dag", "hey", "coucou"],
        "rent_question": [
            "mon loyer",
            "pourquoi le loyer augmente",
            "combien de loyer",
            "mijn huur",
            "waarom is de huur hoger",
            "hoeveel huur",
            "loyer cher",
            "huur te hoog",
        ],
    }
    examples = [
        prepared(text, language_identifier, tokenizer, intent=intent)
        for intent, texts in phrases.items()
        for text in texts
    ]
    resource = Resource("classifier")
    classifier = CalibratedLinearIntentClassifier.create(
        CalibratedLinearIntentClassifier.get_default_config(), storage, resource, context()
    )
    classifier.train(TrainingData(examples))
    loaded = CalibratedLinearIntentClassifier.load(
        CalibratedLinearIntentClassifier.get_default_config(), storage, resource, context()
    )
    message = prepared("le loyer est trop cher", language_identifier, tokenizer)
    loaded.process([message])
    assert message.get("intent")["name"] == "rent_question"
    ranking = message.get("intent_ranking")
    assert abs(sum(row["confidence"] for row in ranking) - 1.0) < 1e-6


def test_intents_of_the_same_flow_pool_their_confidence(storage):
    from bot.nlu.intent_overrides import SameFlowIntents

    component = create(SameFlowIntents, storage)
    ranking = [
        {"name": "find_activity", "confidence": 0.48},
        {"name": "rent_question", "confidence": 0.04},
        {"name": "inform", "confidence": 0.45},
    ]
    message = classified("huiswerkbegeleiding in Molenbeek", "find_activity", ranking)
    component.process([message])
    assert message.get("intent")["name"] == "find_activity"
    assert message.get("intent")["confidence"] == pytest.approx(0.93)
    assert [row["name"] for row in message.get("intent_ranking")] == [
        "find_activity",
        "rent_question",
    ]
    other = classified(
        "loyer",
        "rent_question",
        [{"name": "rent_question", "confidence": 0.5}, {"name": "inform", "confidence": 0.4}],
    )
    component.process([other])
    assert other.get("intent")["confidence"] == 0.5


def test_a_classifier_alarm_on_a_danger_past_and_over_is_dropped(storage):
    layer = create(SafetyLayer, storage)
    ranking = [{"name": "urgent_help", "confidence": 0.7}]
    text = "Le mois passé il y a eu un feu dans la cave, c'est fini. Qui repeint le mur ?"
    message = classified(text, "urgent_help", ranking, danger_probability=0.9)
    layer.process([message])
    assert message.get("entities") == []


def test_a_classifier_alarm_on_a_danger_that_may_come_back_stays(storage):
    layer = create(SafetyLayer, storage)
    ranking = [{"name": "urgent_help", "confidence": 0.7}]
    text = "Le mois passé il m'a poussée, ça va mieux, mais il revient ce soir."
    message = classified(text, "urgent_help", ranking, danger_probability=0.9)
    layer.process([message])
    assert message.get("intent") == {"name": "urgent_help", "confidence": 1.0}
    assert message.get("entities")[0]["entity"] == "danger"


@pytest.mark.parametrize(
    ("text", "confidence", "weak"),
    [
        ("j'ai 2 petits enfants à la maison", 0.75, True),  # no phrase, no cue, unsure
        ("j'ai 2 petits enfants à la maison", 0.9, False),  # the classifier is sure
        ("mon fils a avalé quelque chose", 0.7, False),  # a cue word (swallowed)
        ("je ne veux plus être un poids pour ma famille", 0.67, False),  # a burden: suicide
    ],
)
def test_a_classifier_alarm_is_weak_only_when_unsure_and_without_cue(
    storage, text, confidence, weak
):
    layer = create(SafetyLayer, storage)
    ranking = [{"name": "urgent_help", "confidence": 0.5}]
    message = classified(text, "urgent_help", ranking, danger_probability=confidence)
    layer.process([message])
    assert message.get("intent")["name"] == "urgent_help"  # weak or not, still an alarm
    assert message.get("alarm") == {"by": "classifier", "weak": weak, "confidence": confidence}


def test_an_alarm_raised_by_a_danger_phrase_is_never_weak(storage):
    layer = create(SafetyLayer, storage)
    ranking = [
        {"name": "report_repair", "confidence": 0.9},
        {"name": "urgent_help", "confidence": 0.05},
    ]
    message = classified("ça sent le gaz", "report_repair", ranking, danger_probability=0.05)
    layer.process([message])
    assert message.get("alarm") == {"by": "phrase", "weak": False, "confidence": 0.05}
