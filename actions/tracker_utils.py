"""Small readers of the tracker shared by the actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker

DEFAULT_LANGUAGE = "fr"


def language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The last value of an entity in the latest message."""
    values = [
        row.get("value")
        for row in tracker.latest_message.get("entities") or []
        if row.get("entity") == entity
    ]
    return values[-1] if values else None


def latest_metadata(tracker: Tracker) -> dict[str, Any]:
    return tracker.latest_message.get("metadata") or {}


def previous_answer(tracker: Tracker) -> str | None:
    """The action that answered the tenant's previous message (not action_listen)."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def user_message_count(tracker: Tracker) -> int:
    return sum(1 for event in tracker.events if event.get("event") == "user")


def _variation(domain: Mapping[str, Any], name: str, lang: str) -> dict[str, Any]:
    for variation in (domain.get("responses") or {}).get(name, []):
        conditions = variation.get("condition") or []
        if all(c.get("name") != "language" or c.get("value") == lang for c in conditions):
            return variation
    return {}


def response_text(domain: Mapping[str, Any], name: str, lang: str, **values: Any) -> str:
    """The text of a domain response in a language, filled in (to measure a reply)."""
    text = _variation(domain, name, lang).get("text") or ""
    try:
        return text.format(**values)
    except (KeyError, IndexError):
        return text


def response_buttons(domain: Mapping[str, Any], name: str, lang: str) -> list[str]:
    return [button["title"] for button in _variation(domain, name, lang).get("buttons", [])]
