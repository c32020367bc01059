"""How a session's time and place read in a message, shared by the search results (actions)
and the reminders (gateway), so both say it the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.hsds_profile import TIME_ZONE, translated


def clock(moment: datetime, language: str) -> str:
    """ "14h30" in French, "14.30" in Dutch, in Brussels time (naive means already local)."""
    local = moment.astimezone(TIME_ZONE) if moment.tzinfo else moment
    return f"{local.hour}h{local.minute:02d}" if language == "fr" else local.strftime("%H.%M")


def place(service: dict[str, Any], location_id: str | None, language: str) -> str:
    """The street address (it finds the door; the venue's name often repeats the
    activity's), or the venue's name when there is no address."""
    places = [item.get("location") or {} for item in service.get("service_at_locations", [])]
    location = next(
        (found for found in places if found.get("id") == location_id), places[0] if places else {}
    )
    addresses = location.get("addresses") or []
    if not addresses:
        return str(translated(location, "name", language) or "")
    parts = [
        translated(addresses[0], "address_1", language),
        translated(addresses[0], "city", language),
    ]
    return ", ".join(str(part) for part in parts if part)
