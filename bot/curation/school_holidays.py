"""The school holidays of Brussels' two school communities, from data/school_holidays.yml:
"fr" (Fédération Wallonie-Bruxelles) and "nl" (Vlaamse Gemeenschap). The schedule form
splits an activity that stops during school holidays into the school periods between them.

The file lists only the years an official source gave; `known_until` says where its
knowledge ends, and nothing here guesses beyond it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HOLIDAYS_FILE = Path(__file__).resolve().parents[2] / "data" / "school_holidays.yml"
COMMUNITIES = ("fr", "nl")
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    name: str
    source: str
    known_until: date
    holidays: tuple[tuple[date, date], ...]  # inclusive, sorted, not overlapping


def holidays(community: str) -> list[tuple[date, date]]:
    """The community's holiday periods (first day, last day), inclusive and sorted."""
    return list(_calendar(community).holidays)


def known_until(community: str) -> date:
    """The last day whose school calendar the file knows."""
    return _calendar(community).known_until


def school_periods(community: str, start: date, end: date) -> list[tuple[date, date]]:
    """The periods (first day, last day) of `start`..`end` that fall outside the holidays,
    clipped to `known_until`: later weeks may be holidays nobody has entered yet."""
    calendar = _calendar(community)
    end = min(end, calendar.known_until)
    periods: list[tuple[date, date]] = []
    day = start
    for first, last in calendar.holidays:
        if day > end:
            break
        if last < day:
            continue
        if first > day:
            periods.append((day, min(first - ONE_DAY, end)))
        day = last + ONE_DAY
    if day <= end:
        periods.append((day, end))
    return periods


def _calendar(community: str) -> Calendar:
    calendars = _load(HOLIDAYS_FILE)
    if community not in calendars:
        raise ValueError(f"unknown school community {community!r} (expected one of {COMMUNITIES})")
    return calendars[community]


@cache
def _load(path: Path) -> dict[str, Calendar]:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    # A community left out of the file is simply unknown (ValueError when asked for).
    return {name: _parse(name, raw[name]) for name in COMMUNITIES if raw.get(name)}


def _parse(community: str, raw: dict[str, Any]) -> Calendar:
    # YAML reads unquoted ISO dates as dates already; a quoted one is parsed here.
    periods = tuple(
        (_date(item["from"]), _date(item.get("to") or item["from"]))
        for item in raw.get("holidays") or ()
    )
    # A typo in the file would silently move sessions into holidays: refuse it instead.
    for (first, last), following in zip(
        periods, periods[1:] + ((date.max, date.max),), strict=True
    ):
        if last < first or following[0] <= last:
            raise ValueError(
                f"{community}: holiday {first}..{last} is reversed, unsorted or overlaps"
            )
    return Calendar(
        name=str(raw.get("name", community)),
        source=str(raw.get("source", "")),
        known_until=_date(raw["known_until"]),
        holidays=periods,
    )


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
