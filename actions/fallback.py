"""Two-stage fallback: a turn the assistant could not serve (not understood, or out of
its scope) first gets choices (the likeliest topics, or the menu); the second failure in
a row gets the offer of a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language_rules import is_unsupported_language
from actions.results_questions import answer_about_results
from actions.tracker_utils import language, latest_intent
from bot.lexicon import topic_labels

FAILURES_BEFORE_PERSON = 2
MAX_CHOICES = 3
MIN_CHOICE_CONFIDENCE = 0.05


def likely_topics(intent_ranking: list[dict[str, Any]]) -> list[str]:
    """The likeliest intents that are topics a tenant can pick, best first."""
    labels = topic_labels()
    picked = [
        row["name"]
        for row in intent_ranking
        if row.get("name") in labels
        and row["name"] != "human_handoff"
        and row.get("confidence", 0) >= MIN_CHOICE_CONFIDENCE
    ]
    return picked[:MAX_CHOICES]


def choice_buttons(intents: list[str], lang: str) -> list[dict[str, str]]:
    labels = topic_labels()
    return [
        {"title": labels[intent][lang], "payload": f"/{intent}"}
        for intent in [*intents, "human_handoff"]
    ]


class ActionNotUnderstood(Action):
    def name(self) -> str:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        about_results = answer_about_results(dispatcher, tracker)
        if about_results is not None:  # "c'est combien ?" under the results: understood
            return [*about_results, SlotSet("failed_turns", 0.0)]
        failures = int(tracker.get_slot("failed_turns") or 0) + 1
        if is_unsupported_language(tracker.latest_message.get("language") or {}):
            # action_track_turn answered in one line in the tenant's language (a person:
            # PERSONNE, danger: 112); French choices would only lengthen the SMS
            return [SlotSet("failed_turns", float(failures))]
        if failures >= FAILURES_BEFORE_PERSON:
            dispatcher.utter_message(response="utter_offer_person_after_failures")
            return [
                SlotSet("failed_turns", 0.0),
                SlotSet("pending_offer", "handoff"),
                SlotSet("handoff_reason", "not_understood"),
            ]
        if latest_intent(tracker) == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
            dispatcher.utter_message(response="utter_menu")
            return [SlotSet("failed_turns", float(failures))]
        topics = likely_topics(tracker.latest_message.get("intent_ranking") or [])
        dispatcher.utter_message(
            response="utter_fallback_choices",
            buttons=choice_buttons(topics, language(tracker)),
        )
        return [SlotSet("failed_turns", float(failures))]


class ActionCoreFallback(Action):
    """Rasa's core fallback, run when no rule, story or form decides the next step
    (RulePolicy's core_fallback_action_name). Stock Rasa's utters `utter_default`, which
    this domain does not have: the tenant got no answer at all. Here the tenant gets what a
    message not understood gets (choices, then a person). As stock does, the message is
    taken back first, so that the next step is decided from the state before it; the
    count of failures is set after that, so that it survives."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await ActionNotUnderstood().run(dispatcher, tracker, domain)
        return [UserUtteranceReverted(), *events]
