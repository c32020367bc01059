"""When a reminder goes out, in Europe/Brussels wall-clock time.

The day before the session at 18:00. When that has passed (the tenant asked the evening
before, or the same morning), the morning of the session at 09:00, if the session starts
at least an hour after that. Otherwise it is too soon: the tenant is told so and nothing is
stored. Nothing ever goes out between 21:00 and 09:00. Local times are built on the date
and then given the zone, so 18:00 stays 18:00 across daylight-saving changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.hsds_profile import TIME_ZONE

EVENING = time(18, 0)  # the day before
MORNING = time(9, 0)  # the same day, when the evening before has passed
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(9, 0)
MORNING_LEAD = timedelta(hours=1)  # a morning reminder at least this long before the start
MARGIN = timedelta(minutes=5)  # a send time this close to now counts as passed


@dataclass(frozen=True)
class SendTime:
    at: datetime  # aware, Europe/Brussels
    day_before: bool  # False: the same morning


def send_time(session_start: datetime, now: datetime) -> SendTime | None:
    """When to remind of a session starting at `session_start` (aware); None: too soon."""
    start = session_start.astimezone(TIME_ZONE)
    evening = _local(start.date() - timedelta(days=1), EVENING)
    if evening > now + MARGIN:
        return SendTime(evening, True)
    morning = _local(start.date(), MORNING)
    if morning > now + MARGIN and start - morning >= MORNING_LEAD:
        return SendTime(morning, False)
    return None


def _local(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=TIME_ZONE)


def is_quiet(moment: datetime) -> bool:
    """The hours when nobody should get a message from the assistant."""
    clock = moment.astimezone(TIME_ZONE).time()
    return clock >= QUIET_FROM or clock < QUIET_UNTIL
