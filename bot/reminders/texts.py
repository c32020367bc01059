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


def reminder_parts(
    service: dict[str, Any],
    location_id: str | None,
    start: datetime,
    end: datetime | None,
    language: str,
) -> dict[str, str]:
    """The reminder's activity, day and hours, and place ("-" when none is known)."""
    return {
        "activity": str(translated(service, "name", language) or "").rstrip("."),
        "when": when(start, end, language),
        "place": place(service, location_id, language) or "-",
    }


def reminder_text(parts: dict[str, str], language: str, day_before: bool) -> str:
    body = text("reminder_day_before" if day_before else "reminder_same_day", language, **parts)
    return body.replace("\n-.\n", "\n")  # no place known: leave the line out


def template_variables(parts: dict[str, str]) -> dict[str, str]:
    """The WhatsApp reminder template's variables (1 activity, 2 day and hours, 3 place):
    one line each, never empty (WhatsApp refuses both)."""
    values = (parts["activity"], parts["when"], parts["place"])
    return {str(number): " ".join(value.split()) or "-" for number, value in enumerate(values, 1)}
