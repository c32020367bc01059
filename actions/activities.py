"""The activity search: the form that collects commune and category, and the search,
which asks the gateway's directory (/hsds/services), never the database."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import gateway
from actions.tracker_utils import language, latest_entity, latest_intent
from bot import lexicon

# Intents whose message answers the form's question even when we find no commune in it.
ANSWER_INTENTS = {"inform", "nlu_fallback", "out_of_scope", "find_activity"}


def _last(value: Any) -> Any:
    """A correction names the new value last ("pas Jette, Evere")."""
    return value[-1] if isinstance(value, list) and value else value


class ValidateActivityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_activity_form"

    async def extract_commune(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An answer to "which commune?" without a Brussels commune in it: say so, ask again."""
        if tracker.get_slot("requested_slot") != "commune":
            return {}
        if latest_entity(tracker, "commune") or latest_intent(tracker) not in ANSWER_INTENTS:
            return {}
        if latest_entity(tracker, "activity_category"):
            return {}
        dispatcher.utter_message(response="utter_unknown_commune")
        return {"commune": None}

    def validate_commune(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        commune = _last(value)
        if commune is None:  # extract_commune already told the tenant
            return {"commune": None}
        if commune in lexicon.communes():
            return {"commune": commune}
        dispatcher.utter_message(response="utter_unknown_commune")
        return {"commune": None}

    def validate_activity_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        category = _last(value)
        return {"activity_category": category if category in lexicon.categories() else None}


def search_parameters(tracker: Tracker) -> dict[str, str]:
    """Query parameters for the gateway's /hsds/services."""
    params = {
        "commune": tracker.get_slot("commune"),
        "taxonomy_term": tracker.get_slot("activity_category"),
        "audience": tracker.get_slot("audience"),
        "language": language(tracker),
    }
    weekdays = tracker.get_slot("weekday") or []
    if weekdays:
        params["weekday"] = ",".join(weekdays)
    return {key: value for key, value in params.items() if value}


class ActionSearchActivities(Action):
    def name(self) -> str:
        return "action_search_activities"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language(tracker)
        commune = lexicon.communes().get(tracker.get_slot("commune") or "")
        category = lexicon.categories().get(tracker.get_slot("activity_category") or "")
        if commune and category:
            dispatcher.utter_message(
                response="utter_search_summary",
                activity_label=category.label(lang),
                commune_name=commune.name(lang),
            )
        try:
            await gateway.search_services(search_parameters(tracker))
        except gateway.GatewayUnavailable:
            dispatcher.utter_message(response="utter_search_unavailable")
            dispatcher.utter_message(response="utter_offer_person")
            return [SlotSet("pending_offer", "handoff"), SlotSet("handoff_reason", "search_failed")]
        # The results are rendered by the directory search (issue 3).
        return []
