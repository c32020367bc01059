"""A tenant says a place the assistant proposed was closed ("c'était fermé", "de deur was
dicht"): the gateway flags it to the directory's curators (POST /internal/directory/closed),
who check it. Which place: the one whose number the tenant wrote ("le 2 était fermé"), the
only one on screen, or the one they pick when asked. The results shown are in the slot
`shown_activities` (actions/reminders.py)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import gateway
from actions.reminders import NUMBER, SLOT

INTENT = "report_place_closed"


def shown_places(tracker: Tracker) -> list[dict[str, Any]]:
    return [
        item
        for item in tracker.get_slot(SLOT) or []
        if isinstance(item, dict) and item.get("service_id")
    ]


def named_place(tracker: Tracker, places: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The place the tenant's message names by its number, or the only one shown."""
    words = tracker.latest_message.get("text") or ""
    by_number = {item.get("number"): item for item in places}
    for found in NUMBER.findall(words):
        if int(found) in by_number:
            return by_number[int(found)]
    return places[0] if len(places) == 1 else None


def which_buttons(places: list[dict[str, Any]]) -> list[dict[str, str]]:
    """One button per place, in the order shown; the payload names the place's number."""
    return [
        {
            "title": str(item.get("name") or item["number"]),
            "payload": f'/{INTENT}{{"place_number":"{item["number"]}"}}',
        }
        for item in places
    ]


class ActionReportClosedPlace(Action):
    def name(self) -> str:
        return "action_report_closed_place"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        places = shown_places(tracker)
        if not places:
            dispatcher.utter_message(response="utter_place_closed_search_first")
            return []
        place = named_place(tracker, places)
        if place is None:
            dispatcher.utter_message(
                response="utter_place_closed_which", buttons=which_buttons(places)
            )
            return []
        try:
            await gateway.report_closed_place(tracker.sender_id, place["service_id"])
        except gateway.GatewayUnavailable:
            dispatcher.utter_message(response="utter_place_closed_failed")
            return []
        dispatcher.utter_message(response="utter_place_closed_thanks", activity=place["name"])
        return []
