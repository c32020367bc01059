"""A weak alarm in the middle of a tenant's question (issues 19 and 21).

The classifier alone sometimes sees danger in an ordinary detail of the question under
way ("j'ai 2 petits enfants à la maison" after a heating breakdown, "op vrijdag, dan heeft
hij tijd" after search results). The safety layer marks such an alarm weak: no danger
phrase, no cue word of any situation, and a confidence below its limit (bot/nlu/
intent_overrides.py). In that context only, the tenant gets one line with 112 and then
the answer to what they said; no urgent handoff opens.

Everywhere else a weak alarm stays a full alarm: a first message, a conversation without
a question under way, a form waiting for an answer, or a conversation that already
showed danger."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

from actions.topics import QUESTION_TOPICS, SCHOOL

QUESTION, SEARCH = "question", "search"
SEARCH_DETAILS = frozenset(
    {"commune", "postcode", "weekday", "audience", "age", "activity_category"}
)
# A weak alarm's details are mapped to slots as if the tenant had informed: the intent
# whose slot mappings a detail in a question or a search follows (domain.yml).
DETAIL_INTENT = "inform"


def weak_alarm_context(tracker: Tracker) -> str | None:
    """QUESTION or SEARCH when the latest message raised a weak alarm during a tenant's
    question or after search results; None when the alarm must stay a full one."""
    alarm = tracker.latest_message.get("alarm") or {}
    if not alarm.get("weak") or tracker.get_slot("urgent"):
        return None
    if (tracker.active_loop or {}).get("name"):
        return None
    topic = tracker.get_slot("topic")
    if tracker.get_slot("in_topic") and topic in QUESTION_TOPICS | {SCHOOL}:
        return QUESTION
    named = {row.get("entity") for row in tracker.latest_message.get("entities") or []}
    if topic == SEARCH and named & SEARCH_DETAILS:
        return SEARCH
    return None


def detail_slots(tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
    """The slots the message's details fill when read as `inform` (the domain's
    from_entity mappings): action_extract_slots did not fill them for urgent_help."""
    entities = tracker.latest_message.get("entities") or []
    filled: dict[str, Any] = {}
    for name, slot in (domain.get("slots") or {}).items():
        for mapping in slot.get("mappings") or []:
            if mapping.get("type") != "from_entity" or mapping.get("conditions"):
                continue
            if mapping.get("entity") not in SEARCH_DETAILS:  # not the danger entity
                continue
            if DETAIL_INTENT not in (mapping.get("intent") or [DETAIL_INTENT]):
                continue
            values = [row["value"] for row in entities if row.get("entity") == mapping["entity"]]
            if values:
                filled[name] = values if slot.get("type") == "list" else values[-1]
                break
    return filled
