"""Rasa 3.6 drops what a custom slot-mapping action says: ActionExtractSlots keeps the
BotUttered events of the action (`_run_custom_action`), then passes only the SlotSet events
on (`_execute_validation_action`), so the processor never sends them. action_track_turn
(actions/turn.py) runs as such an action after every tenant message and has one thing to
say: that we speak French and Dutch, in the tenant's own language, with the way to a
person (issue 19). Its messages are kept, in order, before the slots."""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import ActionExtractSlots
from rasa.shared.core.events import BotUttered, Event

STOCK = ActionExtractSlots._execute_validation_action


async def _keeping_messages(
    self: ActionExtractSlots, extraction_events: list[Event], *args: Any
) -> list[Event]:
    validated = await STOCK(self, extraction_events, *args)
    said = [event for event in extraction_events if isinstance(event, BotUttered)]
    return [*said, *validated]


def apply() -> None:
    ActionExtractSlots._execute_validation_action = _keeping_messages
