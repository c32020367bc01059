"""Rasa components that run after the classifiers and may overrule them.

SafetyLayer: the deterministic danger detector (bot.safety) and the danger classifier
(bot/nlu/danger_classifier.py) each raise `urgent_help`; the classifier can never lower an
alarm the detector raised, and a fallback never hides one; a danger told as past and over
raises none, nor does the classifier on a smell put down to something harmless. The
situation goes into a `danger` entity, which picks the help numbers. An `alarm` key says
who raised it and whether it is weak (the classifier alone, unsure, no cue word): the
dialogue may then answer the question under way after a 112 line (actions/weak_alarm.py).

UrgentHelpNeedsDanger (right after the classifiers): urgent_help stays in the intent
ranking only when the danger classifier agrees.

ExplicitLanguageRequest: a message that is only a language's name ("NL", "Français") is a
request to switch language, whatever the classifier thought.

SameFlowIntents (before the FallbackClassifier): intents that lead to the same flow
("huiswerkbegeleiding in Molenbeek" is find_activity or inform: both start the activity
search) pool their confidence, so that a split between them is not taken for doubt."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.details import extract_details
from bot.lexicon import explicit_language_request
from bot.lexicon.folding import fold
from bot.nlu.component import ConfiguredComponent
from bot.nlu.danger_classifier import (
    DANGER_PROBABILITY,
    DANGER_SITUATION,
    DANGER_THRESHOLD,
    URGENT_INTENT,
)
from bot.safety import detect_danger, dismisses_classifier_alarm, has_cue, likely_situation
from bot.third_languages import detect_third_language_danger

# the intent classifier's confidence in urgent_help, before UrgentHelpNeedsDanger
URGENT_BY_INTENT = "urgent_help_by_intent"
CHANGE_LANGUAGE_INTENT = "change_language"
REMIND_INTENT, HANDOFF_INTENT = "remind_me", "human_handoff"
REPAIR_INTENT = "report_repair"


def _force_intent(message: Message, intent: str) -> None:
    """Make `intent` the top intent with full confidence, keeping the rest of the ranking."""
    ranking = [row for row in message.get(INTENT_RANKING_KEY) or [] if row["name"] != intent]
    top = {"name": intent, "confidence": 1.0}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)


def _add_entity(message: Message, entity: str, value: str, extractor: str) -> None:
    entities = [row for row in message.get(ENTITIES) or [] if row["entity"] != entity]
    entities.append(
        {"entity": entity, "value": value, "extractor": extractor, "confidence_entity": 1.0}
    )
    message.set(ENTITIES, entities, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UrgentHelpNeedsDanger(ConfiguredComponent):
    """The danger classifier, not the intent classifier, says whether there is danger:
    urgent_help leaves the intent ranking when the danger probability is under the safety
    layer's threshold, before the fallback and the other overrides look at the ranking
    (the safety layer's phrases can still raise the alarm after them)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": DANGER_THRESHOLD}  # the same as SafetyLayer's

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            urgent = [row["confidence"] for row in ranking if row["name"] == URGENT_INTENT]
            # kept for the record (benchmarks/danger_heldout.py compares the two classifiers)
            message.set(URGENT_BY_INTENT, max(urgent, default=0.0), add_to_output=True)
            probability = message.get(DANGER_PROBABILITY)
            if probability is None or probability >= self._config["threshold"]:
                continue
            rest = [row for row in ranking if row["name"] != URGENT_INTENT]
            if len(rest) == len(ranking):
                continue
            top = rest[0] if rest else {"name": "nlu_fallback", "confidence": 1.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, rest or [top], add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyLayer(ConfiguredComponent):
    """Raises `urgent_help` on danger phrases or on a classifier that sees danger."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The danger classifier raises the alarm from DANGER_THRESHOLD (its module says
        # why). Below weak_below, with no danger phrase and no cue word, the alarm is weak:
        # the classifier's false alarms on details inside a question (issue 21) lay under it.
        return {"classifier_threshold": DANGER_THRESHOLD, "weak_below": 0.85}

    def process(self, messages: list[Message]) -> list[Message]:
        name = self.__class__.__name__
        threshold = self._config["classifier_threshold"]
        weak_below = self._config["weak_below"]
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            # French and Dutch phrases first; then those of the seven other languages
            signal = detect_danger(text) or detect_third_language_danger(text)
            # without the danger classifier in the pipeline, only the phrases raise alarms
            probability = float(message.get(DANGER_PROBABILITY) or 0.0)
            # detect_danger made the past-and-over check for the phrases already
            classifier_alarm = (
                signal is None and probability >= threshold and not dismisses_classifier_alarm(text)
            )
            if signal is None and not classifier_alarm:
                continue
            _force_intent(message, URGENT_INTENT)
            # a phrase names its situation; else the danger classifier's situation model,
            # or, without it in the pipeline, the cue words
            situation = (
                signal.category
                if signal
                else str(message.get(DANGER_SITUATION) or likely_situation(text))
            )
            _add_entity(message, "danger", situation, name)
            weak = signal is None and probability < weak_below and not has_cue(text)
            alarm = {"by": "phrase" if signal else "classifier", "weak": weak}
            message.set("alarm", {**alarm, "confidence": round(probability, 3)}, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ExplicitLanguageRequest(ConfiguredComponent):
    """ "FR", "NL", "Nederlands", "en français" alone switch the language."""

    def process(self, messages: list[Message]) -> list[Message]:
        name = self.__class__.__name__
        for message in messages:
            text = message.get(TEXT)
            requested = explicit_language_request(text) if isinstance(text, str) else None
            if requested is None:
                continue
            if (message.get(INTENT) or {}).get("name") == URGENT_INTENT:
                continue
            _force_intent(message, CHANGE_LANGUAGE_INTENT)
            _add_entity(message, "target_language", requested, name)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SameFlowIntents(ConfiguredComponent):
    """The top intent takes the confidence of the intents of its group."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"groups": [["find_activity", "inform"]]}

    def process(self, messages: list[Message]) -> list[Message]:
        groups = [set(group) for group in self._config["groups"]]
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            if not ranking:
                continue
            top = ranking[0]
            group = next((g for g in groups if top["name"] in g), None)
            if group is None:
                continue
            pooled = sum(row["confidence"] for row in ranking if row["name"] in group)
            merged = {"name": top["name"], "confidence": pooled}
            rest = [row for row in ranking[1:] if row["name"] not in group]
            message.set(INTENT, merged, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [merged, *rest], add_to_output=True)
        return messages


# "Rappelez-moi" (vous) asks for a call back; "rappelle-moi" (tu) after search results asks
# for a reminder. Both have the lemma "rappeler", so the classifier cannot tell them apart;
# the verb's surface form can. A reminder word next to it keeps the reminder.
CALL_BACK = re.compile(r"\brap+el+ez\b")  # folded: "rappelez-moi" -> "rappelez moi"
REMINDER_CUES = re.compile(r"\b(veille|rappels?|activites?|atelier|cours|seance)\b")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CallBackRequest(ConfiguredComponent):
    """ "Rappelez-moi" is human_handoff, not remind_me (unless it names the reminder)."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if (message.get(INTENT) or {}).get("name") != REMIND_INTENT or not isinstance(
                text, str
            ):
                continue
            folded = fold(text)
            if CALL_BACK.search(folded) and not REMINDER_CUES.search(folded):
                _force_intent(message, HANDOFF_INTENT)
        return messages


# A short message that gives a search detail and nothing the classifier recognised ("elle
# a 13 ans", "samedi si possible", "à Evere au 5e"): the tenant informs. What it belongs to
# (a search to narrow, a question's details) is decided by the dialogue, not here.
SEARCH_DETAIL_ENTITIES = frozenset(
    {"commune", "postcode", "weekday", "audience", "age", "activity_category"}
)
NOT_RECOGNISED = frozenset({"nlu_fallback", "out_of_scope"})
INFORM_INTENT = "inform"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DetailsAreInform(ConfiguredComponent):
    """nlu_fallback or out_of_scope on a short message with a search detail is `inform`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_words": 10}

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if (message.get(INTENT) or {}).get("name") not in NOT_RECOGNISED:
                continue
            if not isinstance(text, str) or len(text.split()) > self._config["max_words"]:
                continue
            if any(row["entity"] in SEARCH_DETAIL_ENTITIES for row in message.get(ENTITIES) or []):
                _force_intent(message, INFORM_INTENT)
        return messages


# What a message not understood still says plainly: asking for a person ("kan ik met iemand
# van de maatschappij spreken"), a dwelling defect ("la douche fuit"), the rent ("vraag over
# mijn huur"). Only for messages the classifier did not recognise (or took for the generic
# housing question): a recognised intent is never overruled.
PERSON_REQUEST = re.compile(
    r"\b(parler|contacter|joindre|voir|rencontrer|appeler|spreken|praten|contacteren|bellen)\b"
    r".*\b(quelqu un|personne|quelqu un de|conseill\w+|assistant\w* social\w*|humain|iemand|mens|"
    r"persoon|medewerker|maatschappelijk werker)\b"
    r"|\b(quelqu un|personne|iemand|mens)\b.*\b(parler|spreken|praten)\b"
)
TOPIC_WORDS = {
    "rent_question": re.compile(r"\b(loyer|loyers|huur|huurprijs)\b"),
}
REPAIR_THINGS = frozenset(
    {"heating", "hot_water", "water_leak", "damp", "lift", "electricity", "toilet", "windows"}
)
GENERIC = frozenset({"nlu_fallback", "out_of_scope", "housing_question"})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PlainWordsFallback(ConfiguredComponent):
    """A message not understood that asks for a person, names a dwelling defect or the
    rent gets that intent."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if (message.get(INTENT) or {}).get("name") not in GENERIC or not isinstance(text, str):
                continue
            folded = fold(text)
            if PERSON_REQUEST.search(folded):
                _force_intent(message, HANDOFF_INTENT)
            elif any(d.kind == "thing" and d.value in REPAIR_THINGS for d in extract_details(text)):
                _force_intent(message, REPAIR_INTENT)
            else:
                for intent, words in TOPIC_WORDS.items():
                    if words.search(folded):
                        _force_intent(message, intent)
                        break
        return messages
