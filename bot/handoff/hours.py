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


def office_minutes_between(
    office_hours: dict[str, Any], holidays: list[str], start: datetime, end: datetime
) -> int:
    """The whole minutes of office time between two moments: how long a request waited
    while someone could have taken it (nights, weekends and holidays do not count)."""
    if end <= start:
        return 0
    first, last = start.astimezone(TIME_ZONE), end.astimezone(TIME_ZONE)
    seconds = 0.0
    day = first.date()
    while day <= last.date():
        for opens, closes in _periods(office_hours, day, holidays):
            period_start = datetime.combine(day, opens, tzinfo=TIME_ZONE)
            period_end = datetime.combine(day, closes, tzinfo=TIME_ZONE)
            overlap = min(period_end, last) - max(period_start, first)
            seconds += max(overlap.total_seconds(), 0)
        day += timedelta(days=1)
    return int(seconds // 60)
