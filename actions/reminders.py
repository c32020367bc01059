"""Activity reminders, the conversation's side: search results offer "Me le rappeler" /
"Herinner me" (`8` on SMS), and `remind_me` asks the gateway (POST /internal/reminders) to
remind the tenant the day before the session. The gateway checks the session against its
directory and decides when to send; this action says which activity, when it is, and when
the reminder comes (or that it is too soon).

Which activity: the one whose number the tenant wrote ("rappel 2"), else the first result
of the latest page. The results shown are kept in the slot `shown_activities`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, TypedDict

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import gateway
from actions.activity_text import when
from actions.tracker_utils import language
from bot.hsds_profile import translated
from bot.lexicon import DAY_NAMES

PAYLOAD = "/remind_me"
BUTTON = {"fr": "Me le rappeler", "nl": "Herinner me"}
SLOT = "shown_activities"
NUMBER = re.compile(r"\b(\d{1,2})\b")


def remind_button(lang: str) -> dict[str, str]:
    return {"title": BUTTON[lang], "payload": PAYLOAD}


def remindable(services: list[dict[str, Any]]) -> bool:
    """Offer a reminder only when a result has a next session to remind of."""
    return any((service.get("search_result") or {}).get("next_session") for service in services)


def shown_activities(
    services: list[dict[str, Any]], first_number: int, lang: str
) -> list[dict[str, Any]]:
    """What the slot keeps of the results on screen: number, ids, session, name."""
    shown = []
    for index, service in enumerate(services):
        found = service.get("search_result") or {}
        session = found.get("next_session") or {}
        shown.append(
            {
                "number": first_number + index,
                "service_id": service.get("id"),
                "location_id": found.get("location_id"),
                "start": session.get("start"),
                "end": session.get("end"),
                "name": str(translated(service, "name", lang) or ""),
            }
        )
    return shown


def chosen(tracker: Tracker) -> tuple[dict[str, Any] | None, bool]:
    """The activity to remind of, and whether the tenant named it by its number."""
    shown = [item for item in tracker.get_slot(SLOT) or [] if isinstance(item, dict)]
    if not shown:
        return None, False
    words = tracker.latest_message.get("text") or ""
    by_number = {item.get("number"): item for item in shown}
    for found in NUMBER.findall(words):
        if int(found) in by_number:
            return by_number[int(found)], True
    return shown[0], False


def send_when(moment: str, lang: str) -> str:
    """ "samedi 28/3 à 18h00" / "zaterdag 28/3 om 18.00" (the gateway's local time)."""
    local = datetime.fromisoformat(moment)
    day = f"{DAY_NAMES[lang][local.weekday()]} {local.day}/{local.month}"
    return (
        f"{day} à {local.hour}h{local.minute:02d}"
        if lang == "fr"
        else (f"{day} om {local.strftime('%H.%M')}")
    )


class ReminderNames(TypedDict):
    """The placeholders of the reminder responses."""

    activity: str
    session_when: str


class ActionRemindMe(Action):
    def name(self) -> str:
        return "action_remind_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang = language(tracker)
        activity, named = chosen(tracker)
        if activity is None:
            dispatcher.utter_message(response="utter_reminder_search_first")
            return []
        name = activity.get("name") or ""
        if not activity.get("start"):
            dispatcher.utter_message(response="utter_reminder_no_date", activity=name)
            return []
        try:
            answer = await gateway.create_reminder(
                {
                    "sender_id": tracker.sender_id,
                    "service_id": activity["service_id"],
                    "location_id": activity.get("location_id"),
                    "session_start": activity["start"],
                    "language": lang,
                }
            )
        except gateway.GatewayUnavailable:
            dispatcher.utter_message(response="utter_reminder_failed")
            return []
        session = {"start": answer["session_start"], "end": answer.get("session_end")}
        values: ReminderNames = {"activity": name, "session_when": when(session, lang)}
        if not answer.get("scheduled"):
            dispatcher.utter_message(response="utter_reminder_too_soon", **values)
            return []
        dispatcher.utter_message(
            response="utter_reminder_set", **values, send_when=send_when(answer["send_at"], lang)
        )
        others = [item.get("number") for item in tracker.get_slot(SLOT) or []][1:]
        if others and not named:  # several results: say how to pick another one
            dispatcher.utter_message(response="utter_reminder_other", number=str(others[0]))
        return []
