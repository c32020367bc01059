"""Bookkeeping that runs on every tenant message and at the start of a session."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.guides import GUIDE_SLOTS, closed
from actions.language_rules import TurnLanguage, is_unsupported_language, next_language
from actions.topics import FLOW_TOPICS, tells_more_of_question
from actions.tracker_utils import (
    language,
    latest_entity,
    latest_intent,
    latest_metadata,
    user_message_count,
)
from actions.weak_alarm import weak_alarm_context
from bot.lexicon.folding import folded_words
from bot.third_languages import THIRD_LANGUAGES, unsupported_text

SUPPORTED_HINTS = ("fr", "nl")
# Turns that count towards the offer of a person (actions/fallback.py).
NOT_UNDERSTOOD = ("nlu_fallback", "out_of_scope")
# Turns that leave an open guide open (actions/guides.py): the guide's own moves, "more",
# yes and no (actions/handoff.py answers them inside a guide), thanks, a language switch
# and a message not understood. Any other turn (the menu, a search, a question) closes it.
KEEP_THE_GUIDE = (
    "guide_list",
    "guide_next",
    "guide_repeat",
    "more_results",
    "affirm",
    "deny",
    "thank",
    "change_language",
    "nlu_fallback",
)


class ActionTrackTurn(Action):
    """Custom slot mapping run by action_extract_slots after each tenant message:
    applies the language rules, resets the fallback counter on an understood turn, ends
    a tenant question's topic when another flow starts, and closes an open guide when
    the tenant turns to something else."""

    def name(self) -> str:
        return "action_track_turn"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = tracker.latest_message
        guess = message.get("language") or {}
        intent = latest_intent(tracker)
        turn = TurnLanguage(
            current=language(tracker),
            intent=intent,
            guess=guess,
            target_entity=latest_entity(tracker, "target_language"),
            hint=latest_metadata(tracker).get("language_hint"),
            first_message=user_message_count(tracker) <= 1,
            words=tuple(folded_words(message.get("text") or "")),
        )
        events: list[EventType] = [SlotSet("language", next_language(turn))]
        text = str(message.get("text") or "")
        if intent == "loneliness" and tells_more_of_question(tracker.current_slot_values(), text):
            pass  # "mijn man is ziek": more of the question (rules: action_answer_question)
        elif weak_alarm_context(tracker) is not None:
            pass  # a weak alarm inside a question keeps its topic (actions/weak_alarm.py)
        elif intent in FLOW_TOPICS:  # another flow: the tenant question is no longer the subject
            events += [SlotSet("topic", FLOW_TOPICS[intent]), SlotSet("in_topic", False)]
        elif intent == "inform" and not tracker.get_slot("in_topic"):  # "Jette": a search
            events.append(SlotSet("topic", "search"))
        if intent not in NOT_UNDERSTOOD:
            events.append(SlotSet("failed_turns", 0.0))
        if tracker.get_slot("guide") is not None and intent not in KEEP_THE_GUIDE:
            events += closed()
        if intent == "urgent_help":
            pass  # the safety message, in the tenant's language when we have it, says it all
        elif is_unsupported_language(guess) and guess.get("code") in THIRD_LANGUAGES:
            # one short line in the tenant's language, with the way to a person
            dispatcher.utter_message(text=unsupported_text(str(guess["code"])))
        elif is_unsupported_language(guess):
            dispatcher.utter_message(response="utter_language_unsupported")
        return events


# Slots a new session starts without: a guide left open hours ago is not something to go
# on with, and a possible danger seen in an old conversation is no news for a caseworker.
CARRIED_NOT = ("session_started_metadata", "possible_danger", *GUIDE_SLOTS)


class ActionSessionStart(Action):
    """Starts a session; a new conversation takes its language and site from the
    gateway's metadata."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        # carry_over_slots_to_new_session: keep what the tenant told us before
        for key, value in tracker.current_slot_values().items():
            if key not in CARRIED_NOT and value is not None:
                events.append(SlotSet(key, value))
        metadata = tracker.get_slot("session_started_metadata") or {}
        if metadata.get("language_hint") in SUPPORTED_HINTS:
            events.append(SlotSet("language", metadata["language_hint"]))
        if metadata.get("site"):
            events.append(SlotSet("site", str(metadata["site"])[:64]))
        events.append(ActionExecuted("action_listen"))
        return events
