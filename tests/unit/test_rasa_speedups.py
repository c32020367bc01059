"""The action server's answers are checked as strictly as stock Rasa checks them, by a
validator built once (bot/nlu/rasa_speedups.py)."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)

import bot.nlu  # noqa: F401  (applies the fix, as loading the model does)
from bot.nlu.rasa_speedups import _stock_resolve_by_type, _validate_action_result

BUTTONS = [{"title": "Oui", "payload": "/affirm"}]
GOOD = {
    "events": [{"event": "slot", "name": "commune", "value": "jette"}],
    "responses": [{"text": "Bonjour", "buttons": BUTTONS}],
}
BAD = [
    {"events": [{"event": "slot", "name": 3}]},  # a slot name must be a string
    {"events": "not a list"},
    {"events": [{"name": "commune"}]},  # an event needs its type
]


def test_the_patched_check_is_the_one_rasa_runs():
    assert RemoteAction._validate_action_result is _validate_action_result


def test_events_are_read_back_as_the_same_classes():
    for name, cls in [
        ("user", UserUttered),
        ("bot", BotUttered),
        ("slot", SlotSet),
        ("action", ActionExecuted),
        ("session_started", SessionStarted),
    ]:
        assert Event.resolve_by_type(name) is cls
        assert Event.resolve_by_type(name) is _stock_resolve_by_type(name)
    assert Event.resolve_by_type("no such event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no such event")


def test_valid_answers_pass_and_invalid_ones_fail_as_with_stock_rasa():
    action = RemoteAction("action_search_activities", None)
    schema = RemoteAction.action_response_format_spec()
    assert action._validate_action_result(GOOD) is True
    jsonschema.validate(GOOD, schema)
    for answer in BAD:
        with pytest.raises(jsonschema.ValidationError) as stock:
            jsonschema.validate(answer, schema)
        with pytest.raises(jsonschema.ValidationError) as ours:
            action._validate_action_result(answer)
        assert ours.value.message.startswith(stock.value.message)
        assert "Failed to validate Action server response" in ours.value.message
