"""Two measured fixes to stock Rasa 3.6's speed, applied when Rasa loads our components.
Both found with py-spy on a Rasa replica under `make bench-load`; neither changes what
Rasa does, only how often it repeats work.

- Rasa checks every action server answer with `jsonschema.validate`, which first checks
  the schema itself against its meta-schema, on every call: half of the Rasa server's CPU
  time. The answer is still checked against the same schema, with the same error, by a
  validator built once.
- Rasa finds an event's class from its name by walking every subclass of Event, for each
  event of a tracker it loads: 14% of the CPU time left. The first match is remembered.

TENANT_ASSISTANT_STOCK_RASA=1 turns both off (the benchmarks' baseline)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event


@cache
def _action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        f"from the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


_stock_resolve_by_type = Event.resolve_by_type
_event_types: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    found = _event_types.get(type_name)
    if found is None:
        found = _stock_resolve_by_type(type_name, default)
        if found is not None and found is not default:
            _event_types[type_name] = found
    return found


def apply() -> None:
    if os.environ.get("TENANT_ASSISTANT_STOCK_RASA") == "1":
        return
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
