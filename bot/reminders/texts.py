"""The reminder message: the activity's name, day and hours, place, and how to stop, in
the contact's language, from the directory's data only (a missing field is left out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.channels.texts import text
from bot.directory.profile import TIME_ZONE, translated
from bot.lexicon import DAY_NAMES

STOP_WORDS = {"fr": "STOP RAPPEL", "nl": "STOP HERINNERING"}


def clock(moment: datetime, language: str) -> str:
    local = moment.astimezone(TIME_ZONE)
    return f"{local.hour}h{local.minute:02d}" if language == "fr" else local.strftime("%H.%M")


def when(start: datetime, end: datetime | None, language: str) -> str:
    """ "Samedi 28/3, 10h00-12h00" (the same shape as the search results)."""
    local = start.astimezone(TIME_ZONE)
    day = f"{DAY_NAMES[language][local.weekday()].capitalize()} {local.day}/{local.month}"
    hours = clock(start, language) + (f"-{clock(end, language)}" if end else "")
    return f"{day}, {hours}"


def place(service: dict[str, Any], location_id: str | None, language: str) -> str:
    """The street address of the place (else its name)."""
    places = [item.get("location") or {} for item in service.get("service_at_locations", [])]
    location = next((found for found in places if found.get("id") == location_id),
                    places[0] if places else {})  # fmt: skip
    addresses = location.get("addresses") or []
    if not addresses:
        return str(translated(location, "name", language) or "")
    parts = [translated(addresses[0], "address_1", language),
             translated(addresses[0], "city", language)]  # fmt: skip
    return ", ".join(str(part) for part in parts if part)


def reminder_text(service: dict[str, Any], location_id: str | None, start: datetime,
                  end: datetime | None, language: str, day_before: bool) -> str:  # fmt: skip
    name = str(translated(service, "name", language) or "").rstrip(".")
    body = text("reminder_day_before" if day_before else "reminder_same_day", language,
                activity=name, when=when(start, end, language),
                place=place(service, location_id, language) or "-")  # fmt: skip
    return body.replace("\n-.\n", "\n")  # no place known: leave the line out
