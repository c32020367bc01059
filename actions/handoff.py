"""Offers of a person and the handoff request to the gateway (the gateway owns the queue).
When the gateway cannot be reached the tenant is told how to reach a person directly."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import gateway, guides
from actions.tracker_utils import language, latest_intent, latest_metadata
from bot.details import from_slot_values, said_back

SUMMARY_SLOTS = (
    "topic",
    "commune",
    "activity_category",
    "weekday",
    "audience",
    "danger",
    "possible_danger",
    "site",
)


def handoff_payload(tracker: Tracker, reason: str, urgent: bool) -> dict[str, Any]:
    """What the caseworker's queue needs: no message text, only what the bot collected,
    with the details the tenant added to their question in the conversation's words."""
    slots = {name: tracker.get_slot(name) for name in SUMMARY_SLOTS}
    details = from_slot_values(tracker.get_slot("details"))
    if details:
        slots["details"] = said_back(details, language(tracker))
    return {
        "sender_id": tracker.sender_id,
        "reason": reason,
        "urgent": urgent or bool(tracker.get_slot("urgent")),
        "language": language(tracker),
        "channel": latest_metadata(tracker).get("channel"),
        "summary": {name: value for name, value in slots.items() if value is not None},
    }


async def request_handoff(
    tracker: Tracker, reason: str, urgent: bool = False
) -> dict[str, Any] | None:
    """Ask the gateway to open a handoff; its answer, or None when it could not be reached."""
    try:
        return await gateway.open_handoff(handoff_payload(tracker, reason, urgent))
    except gateway.GatewayUnavailable:
        return None


async def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> None:
    opened = await request_handoff(tracker, reason)
    if opened is None:
        dispatcher.utter_message(response="utter_handoff_unavailable")
        return
    dispatcher.utter_message(response="utter_handoff_opened")
    waiting = (opened.get("out_of_hours_text") or {}).get(language(tracker))
    if waiting:  # the gateway's words: the same as when the tenant writes again meanwhile
        dispatcher.utter_message(text=waiting)


class ActionHumanHandoff(Action):
    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        await hand_over(dispatcher, tracker, reason="asked")
        return [SlotSet("pending_offer", None), SlotSet("handoff_reason", "asked")]


class ActionOfferHandoff(Action):
    """After general guidance on a tenant question: offer a person for the tenant's file."""

    def name(self) -> str:
        return "action_offer_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_offer_handoff")
        return [
            SlotSet("pending_offer", "handoff"),
            SlotSet("handoff_reason", latest_intent(tracker)),
        ]


class ActionAskDelete(Action):
    def name(self) -> str:
        return "action_ask_delete"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_confirm_delete")
        return [SlotSet("pending_offer", "erase")]


class ActionResolveOffer(Action):
    """A yes or a no answers the last offer: a person, or erasure. Without an open offer,
    inside a guide a yes ("ok") goes on to the next step and a no closes the guide;
    elsewhere a yes or a no just shows the menu."""

    def name(self) -> str:
        return "action_resolve_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offer = tracker.get_slot("pending_offer")
        accepted = latest_intent(tracker) == "affirm"
        if offer is None and guides.open_guide(tracker) is not None:
            if accepted:
                return guides.move(dispatcher, tracker, guides.NEXT)
            return guides.stop(dispatcher, tracker)
        events: list[EventType] = [SlotSet("pending_offer", None)]
        if offer == "handoff" and accepted:
            reason = tracker.get_slot("handoff_reason") or "asked"
            await hand_over(dispatcher, tracker, reason)
            events.append(SlotSet("handoff_reason", reason))  # the turn's signal names it
        elif offer == "erase" and accepted:
            try:
                await gateway.erase_conversation(tracker.sender_id)
            except gateway.GatewayUnavailable:
                dispatcher.utter_message(response="utter_delete_unavailable")
            else:
                dispatcher.utter_message(response="utter_delete_done")
        elif offer == "erase":
            dispatcher.utter_message(response="utter_delete_cancelled")
        else:
            dispatcher.utter_message(response="utter_ok")
            dispatcher.utter_message(response="utter_menu")
        return events
