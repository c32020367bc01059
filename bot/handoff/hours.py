"""Office hours and holidays of a housing company, in Europe/Brussels time: is someone
there now, and if not, when is the next opening (said plainly in French or Dutch)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from bot.hsds_profile import TIME_ZONE
from bot.lexicon import DAY_NAMES, WEEKDAY_CODES

LOOKAHEAD_DAYS = 21


def _periods(
    office_hours: dict[str, Any], day: date, holidays: list[str]
) -> list[tuple[time, time]]:
    if day.isoformat() in holidays:
        return []
    return [
        (time.fromisoformat(start), time.fromisoformat(end))
        for start, end in office_hours.get(WEEKDAY_CODES[day.weekday()], [])
    ]


def is_open(office_hours: dict[str, Any], holidays: list[str], moment: datetime) -> bool:
    local = moment.astimezone(TIME_ZONE)
    return any(
        start <= local.time() < end for start, end in _periods(office_hours, local.date(), holidays)
    )


def next_opening(
    office_hours: dict[str, Any], holidays: list[str], moment: datetime
) -> datetime | None:
    """The start of the next opening period after `moment` (aware, Europe/Brussels)."""
    local = moment.astimezone(TIME_ZONE)
    for offset in range(LOOKAHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        for start, _ in sorted(_periods(office_hours, day, holidays)):
            opening = datetime.combine(day, start, tzinfo=TIME_ZONE)
            if opening > local:
                return opening
    return None


def say_when(moment: datetime, language: str) -> str:
    """ "lundi 30/11 à 9h00" / "maandag 30/11 om 9.00"."""
    local = moment.astimezone(TIME_ZONE)
    day = DAY_NAMES["nl" if language == "nl" else "fr"][local.weekday()]
    if language == "nl":
        return f"{day} {local.day}/{local.month} om {local.hour}.{local.minute:02d}"
    return f"{day} {local.day}/{local.month} à {local.hour}h{local.minute:02d}"
