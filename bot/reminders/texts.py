"""The reminder message: the activity's name, day and hours, place, and how to stop, in
the contact's language, from the directory's data only (a missing field is left out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.hsds_profile import TIME_ZONE, translated
from bot.lexicon import DAY_NAMES
from bot.texts import text
from bot.wording import clock, place

STOP_WORDS = {"fr": "STOP RAPPEL", "nl": "STOP HERINNERING"}


def when(start: datetime, end: datetime | None, language: str) -> str:
    """ "Samedi 28/3, 10h00-12h00" (the same shape as the search results)."""
    local = start.astimezone(TIME_ZONE)
    day = f"{DAY_NAMES[language][local.weekday()].capitalize()} {local.day}/{local.month}"
    hours = clock(start, language) + (f"-{clock(end, language)}" if end else "")
    return f"{day}, {hours}"


def reminder_text(
    service: dict[str, Any],
    location_id: str | None,
    start: datetime,
    end: datetime | None,
    language: str,
    day_before: bool,
) -> str:
    name = str(translated(service, "name", language) or "").rstrip(".")
    body = text(
        "reminder_day_before" if day_before else "reminder_same_day",
        language,
        activity=name,
        when=when(start, end, language),
        place=place(service, location_id, language) or "-",
    )
    return body.replace("\n-.\n", "\n")  # no place known: leave the line out
