"""The safety message (../shared/CONTENT.md): 112 first, then the line for the situation,
in the tenant's language, at once, whatever the conversation was doing."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import request_handoff
from actions.topics import details_of, follow_topic
from actions.tracker_utils import latest_entity
from actions.weak_alarm import QUESTION, SEARCH, detail_slots, weak_alarm_context
from bot.safety import detect_danger
from bot.third_languages import THIRD_LANGUAGES, detect_third_language_danger, safety_text

# One literal response name per situation (scripts/validate_data.py reads them).
SAFETY_RESPONSES = {
    "violence": "utter_urgent_violence",
    "suicide": "utter_urgent_suicide",
    "medical": "utter_urgent_medical",
    "fire": "utter_urgent_fire",
    "gas": "utter_urgent_gas",
    "co": "utter_urgent_co",
    "poison": "utter_urgent_poison",
    "other": "utter_urgent_other",
}


class ActionUrgentHelp(Action):
    def name(self) -> str:
        return "action_urgent_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        context = weak_alarm_context(tracker)
        if context is not None:
            return _weak_alarm(dispatcher, tracker, domain, context)
        danger = latest_entity(tracker, "danger") or "other"
        if danger not in SAFETY_RESPONSES:
            danger = "other"
        written_in = _third_language(tracker)
        if written_in is not None:  # answered in the tenant's language, 112 first
            dispatcher.utter_message(text=safety_text(*written_in))
        else:
            dispatcher.utter_message(response=SAFETY_RESPONSES[danger])
        events: list[EventType] = [
            SlotSet("urgent", True),
            SlotSet("danger", danger),
            SlotSet("handoff_reason", "danger"),
            SlotSet("pending_offer", None),
        ]
        opened = await request_handoff(tracker, reason="danger", urgent=True)
        if opened and written_in is None:  # the third-language text says how to reach a person
            dispatcher.utter_message(response="utter_urgent_handoff")
        return events


def _weak_alarm(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, context: str
) -> list[EventType]:
    """112 in one line, then what the message says for the question or the search under
    way; the caseworker's summary says the classifier saw a possible danger."""
    dispatcher.utter_message(response="utter_danger_check")
    # the danger entity filled the danger slot: no danger was shown, only a possibility
    events: list[EventType] = [SlotSet("possible_danger", True), SlotSet("danger", None)]
    events += [SlotSet(name, value) for name, value in detail_slots(tracker, domain).items()]
    if context == SEARCH:  # as "op vrijdag" after results: the search, narrowed
        return events + [FollowupAction("activity_form")]
    assert context == QUESTION
    topic = str(tracker.get_slot("topic"))
    return events + follow_topic(dispatcher, tracker, domain, topic, details_of(tracker))


def _third_language(tracker: Tracker) -> tuple[str, str] | None:
    """(language, situation) when the danger was written in one of the seven other
    languages: by its phrases, or, for the classifier's alarm, by a message clearly in one
    of them (bot/language_id.py); None for French and Dutch."""
    said = str(tracker.latest_message.get("text") or "")
    if detect_danger(said) is not None:
        return None
    found = detect_third_language_danger(said)
    if found is not None:
        return found.language, found.category
    guess = tracker.latest_message.get("language") or {}
    if guess.get("reliable") and guess.get("code") in THIRD_LANGUAGES:
        danger = latest_entity(tracker, "danger") or "other"
        return str(guess["code"]), danger if danger in SAFETY_RESPONSES else "other"
    return None
