"""Rasa component: how likely a message is to show someone in danger, for the safety layer.

The intent classifier learns urgent_help from its 100 examples per language among 30
intents; this one learns danger against everything else from those examples, the other
intents' examples and the development crisis sets (tests/data/crisis/, crisis_v2/,
crisis_v6/, mostly indirect suicide, and crisis_v7/, everyday housing trouble told with
strong words: hundreds of danger messages and of near-misses that borrow danger words).
Chosen on those sets, each author's set held out in turn (`make bench-danger`): it caught
91% and 93% of the held-out danger messages with 8% and 11% false alarms on the
near-misses, where the intent classifier's urgent_help (at its former threshold, 0.4)
caught 73% and 69% with 17% and 23%.

It also learns which situation a danger message is in (suicide, violence, gas...: the line
the tenant gets) from the crisis sets' danger messages: with one development set held out
in turn (`make bench-danger`), the situation it names was right for more of the messages
no danger phrase matched than the count of cue words that chose it before.

It only sets `danger_probability` and `danger_situation` on the message;
bot/nlu/intent_overrides.SafetyLayer decides."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from bot.language_id import identify
from bot.lexicon.folding import fold
from bot.nlu.stored_models import FEATURE_TYPES, load_trusted, word_and_char_features
from bot.safety import DANGER_CATEGORIES

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DANGER_PROBABILITY = "danger_probability"
DANGER_SITUATION = "danger_situation"
# The probability from which there is danger. Chosen on development data only (`make
# bench-danger`, each author's crisis set held out in turn), recall first: the highest
# threshold at which no held-out set catches fewer of its danger messages than before the
# set v7 was learnt (0.6 then: v1 92.9%, v2 95.6%, v6 72.9%). 0.55 catches 94.6%, 95.6%,
# 76.4% and v7's 95.5%, with 7.8%, 10.1%, 8.5% and 25.1% false alarms on the near-misses;
# 0.6 would lose one message each of v1 and v2. The cost: a long polite French opening
# before an ordinary question raises the alarm more often (README, bench-robustness); two
# fixes in the training data were tried and left out (README), since a missed alarm comes
# first and issue 2's held-out intent F1 must hold.
DANGER_THRESHOLD = 0.55
URGENT_INTENT = "urgent_help"
MODEL_FILE = "danger_classifier.skops"
SITUATION_MODEL_FILE = "danger_situation.skops"
# Types the stored model may hold (bot/nlu/stored_models.py says why a list).
_TRUSTED_TYPES = [*FEATURE_TYPES, "sklearn.linear_model._logistic.LogisticRegression"]


def line_of(situation: str) -> str:
    """The safety layer's category (its help line) for a crisis set's situation: a child
    left alone has no line of its own, it gets the general one."""
    return situation if situation in DANGER_CATEGORIES else "other"


def crisis_messages(folders: list[str]) -> list[dict[str, Any]]:
    """Every message of the crisis sets in `folders` (relative to the repository), both
    languages: text, danger and, for a danger message, its situation."""
    messages = []
    for folder in folders:
        for path in sorted((ROOT / folder).glob("*.yml")):
            messages += yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return messages


def crisis_examples(folders: list[str]) -> list[tuple[str, bool]]:
    """(text, is danger) of every message of the crisis sets in `folders`."""
    return [(str(m["text"]), bool(m["danger"])) for m in crisis_messages(folders)]


def situation_examples(folders: list[str]) -> list[tuple[str, str]]:
    """(text, line) of every danger message of the crisis sets in `folders`."""
    return [
        (str(m["text"]), line_of(str(m["situation"])))
        for m in crisis_messages(folders)
        if m["danger"]
    ]


def openings(folder: str) -> dict[str, list[str]]:
    """The polite openings of tenants' first messages, per language (tests/data/openings/,
    hand-typed by a helper session that never saw the benchmarks' own opening)."""
    found = {}
    for path in sorted((ROOT / folder).glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[str(raw["language"])] = [str(opening).strip() for opening in raw["openings"]]
    return found


def behind_openings(
    examples: list[tuple[str, bool]], by_language: dict[str, list[str]], share: float
) -> list[tuple[str, bool]]:
    """The examples, a share of them (chosen by a hash of the text) behind a polite opening
    of their language, with their own label. Without this, the classifier took a long
    polite opening ("je ne sais plus trop à qui demander...") for distress: 381 alarms on
    574 ordinary French questions behind one (`make bench-danger-settings`). One copy of
    each example, so the intents weigh what they weighed."""
    if not by_language or share <= 0:
        return examples
    placed = []
    for text, danger in examples:
        key = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
        if key % 100 < share * 100:  # the language is only identified for these
            pool = by_language.get(identify(text).code or "") or by_language.get("fr") or []
            text = f"{pool[key % len(pool)]} {text}" if pool else text
        placed.append((text, danger))
    return placed


def danger_pipeline(config: dict[str, Any]) -> Pipeline:
    """The untrained model: TF-IDF word and character n-grams, then logistic regression
    with the classes balanced (danger is the rarer)."""
    features = word_and_char_features(config)
    model = LogisticRegression(C=config["C"], class_weight="balanced", max_iter=2000)
    return Pipeline([("features", features), ("model", model)])


def trained_danger_model(
    config: dict[str, Any], intents: list[tuple[str, bool]], crisis: list[tuple[str, bool]]
) -> Pipeline:
    """The danger model trained on the intents' examples (a share behind polite openings,
    each weighing `intent_weight`) and crisis messages (weight 1), both (text, is danger)."""
    intents = behind_openings(intents, openings(config["openings"]), config["opening_share"])
    texts = [fold(text) for text, _ in [*intents, *crisis]]
    labels = np.asarray([danger for _, danger in [*intents, *crisis]])
    weights = np.asarray([config["intent_weight"]] * len(intents) + [1.0] * len(crisis))
    model = danger_pipeline(config)
    model.fit(texts, labels, model__sample_weight=weights)
    return model


def trained_situation_model(config: dict[str, Any], examples: list[tuple[str, str]]) -> Pipeline:
    """The situation model trained on (text, line) examples: the same features, logistic
    regression over the lines (classes balanced: far more suicide messages than poison)."""
    model = Pipeline(
        [
            ("features", word_and_char_features(config)),
            (
                "model",
                LogisticRegression(C=config["situation_C"], class_weight="balanced", max_iter=3000),
            ),
        ]
    )
    model.fit([fold(text) for text, _ in examples], [line for _, line in examples])
    return model


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DangerClassifier(GraphComponent):
    """Logistic regression on TF-IDF word and character n-grams of the folded text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # development sets only: the blind set (crisis_v10) measures this. Learning v3,
            # v4, v5, v8 and v9 too was tried on 2026-12-07 and left out (README, "The
            # safety layer on the crisis sets"): it cost issue 2's held-out intent F1.
            "crisis_sets": [
                "tests/data/crisis",
                "tests/data/crisis_v2",
                "tests/data/crisis_v6",
                "tests/data/crisis_v7",
            ],
            # a quarter of the intents' examples behind a polite opening (behind_openings)
            "openings": "tests/data/openings",
            # Off: tried on 2026-12-07 with a quarter of the examples behind an opening and
            # the intents weighing 2, it cut the polite-opening alarms but cost recall or
            # issue 2's F1 (README). Kept to measure the next try (`make bench-danger`).
            "opening_share": 0.0,
            "intent_weight": 1.0,
            "C": 10.0,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "char_min_df": 2,
            "situation_C": 1.0,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The crisis sets are read from files, not given by Rasa: a change to them must
        train the component again."""
        digest = hashlib.sha256()
        defaults = cls.get_default_config()
        folders = [
            *config.get("crisis_sets", defaults["crisis_sets"]),
            config.get("openings", defaults["openings"]),
        ]
        for key in ("opening_share", "intent_weight"):
            digest.update(str(config.get(key, defaults[key])).encode())
        for folder in folders:
            for path in sorted((ROOT / folder).glob("*.yml")):
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.clf: Pipeline | None = None
        self.situations: Pipeline | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            (str(e.get(TEXT)), e.get(INTENT) == URGENT_INTENT)
            for e in training_data.intent_examples
            if e.get(INTENT) and e.get(TEXT)
        ]
        crisis = crisis_examples(self.config["crisis_sets"])
        if not any(danger for _, danger in [*examples, *crisis]):
            return self._resource
        self.clf = trained_danger_model(self.config, examples, crisis)
        situations = situation_examples(self.config["crisis_sets"])
        if len({line for _, line in situations}) > 1:
            self.situations = trained_situation_model(self.config, situations)
        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(self.clf, model_dir / MODEL_FILE)
            if self.situations is not None:
                sio.dump(self.situations, model_dir / SITUATION_MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DangerClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                component.clf = load_trusted(model_dir / MODEL_FILE, _TRUSTED_TYPES)
                if (model_dir / SITUATION_MODEL_FILE).exists():
                    component.situations = load_trusted(
                        model_dir / SITUATION_MODEL_FILE, _TRUSTED_TYPES
                    )
        except ValueError:
            logger.warning("The model has no trained danger classifier.")
        return component

    def process(self, messages: list[Message]) -> list[Message]:
        if self.clf is None:
            return messages
        texts = [fold(str(message.get(TEXT) or "")) for message in messages]
        danger_column = list(self.clf.classes_).index(True)
        probabilities = self.clf.predict_proba(texts)[:, danger_column]
        for message, probability in zip(messages, probabilities, strict=True):
            message.set(DANGER_PROBABILITY, round(float(probability), 4), add_to_output=True)
        if self.situations is not None:
            for message, situation in zip(messages, self.situations.predict(texts), strict=True):
                message.set(DANGER_SITUATION, str(situation), add_to_output=True)
        return messages
