"""What the bot showed tenants (issue 23): anonymous daily counts per service (Brussels
date), kept COUNT_DAYS days, for the curators' list of stale services most recommended;
and, per conversation (Rasa's pseudonymous sender id), the services shown in the last
SHOWN_TO_DAYS days, so that a caseworker can report one of them closed in one click.
The per-conversation rows are erased with the conversation (bot/privacy/erasure.py) and
pruned by the retention job (bot/privacy/retention.py); the counts say nothing of anyone.

Portable on SQLite and PostgreSQL: a count is incremented in SQL (UPDATE ... count + 1);
the first showing of a day inserts its row in a savepoint, and a concurrent request that
inserted it first turns the insert into the increment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.clock import as_utc, utcnow
from bot.core.db import rowcount
from bot.curation.models import ServiceShownDay, ServiceShownTo
from bot.hsds_profile import TIME_ZONE

SHOWN_TO_DAYS = 30  # a conversation's services shown, for a caseworker's one-click report
COUNT_DAYS = 400  # the anonymous daily counts: over a year, for year-on-year comparisons


def local_day(moment: datetime) -> date:
    """The Brussels date of a moment (a naive one is UTC, as the database stores it)."""
    return as_utc(moment).astimezone(TIME_ZONE).date()


def _day_start(day: date) -> datetime:
    """Midnight in Brussels on `day`, in UTC (as shown_at is stored)."""
    return datetime.combine(day, time.min, TIME_ZONE).astimezone(timezone.utc)


def _increment(session: Session, service_id: str, day: date) -> None:
    def bump() -> bool:
        result = session.execute(
            update(ServiceShownDay)
            .where(ServiceShownDay.service_id == service_id, ServiceShownDay.day == day)
            .values(count=ServiceShownDay.count + 1)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) > 0

    if bump():
        return
    try:
        with session.begin_nested():
            session.add(ServiceShownDay(service_id=service_id, day=day, count=1))
    except IntegrityError:  # a concurrent request inserted the day's row first
        if not bump():
            raise


def record(session: Session, sender_id: str, service_ids: list[str], now: datetime) -> None:
    """The bot showed these services to this conversation at `now`: each one's count of
    the day goes up by one (an id repeated in one call counts once), and the conversation
    gets a row per service, one a day (showing it again that day only moves its time)."""
    now = as_utc(now).astimezone(timezone.utc)
    day = local_day(now)
    unique = list(dict.fromkeys(service_ids))
    if not unique:
        return
    for service_id in sorted(unique):  # one order for all: concurrent requests never deadlock
        _increment(session, service_id, day)
    already = {
        row.service_id: row
        for row in session.scalars(
            select(ServiceShownTo).where(
                ServiceShownTo.sender_id == sender_id,
                ServiceShownTo.service_id.in_(unique),
                ServiceShownTo.shown_at >= _day_start(day),
                ServiceShownTo.shown_at < _day_start(day + timedelta(days=1)),
            )
        )
    }
    for service_id in unique:
        if service_id in already:
            row = already[service_id]
            row.shown_at = max(as_utc(row.shown_at), now)
        else:
            session.add(ServiceShownTo(sender_id=sender_id, service_id=service_id, shown_at=now))


def counts_since(session: Session, since: date) -> dict[str, int]:
    """How many times each service was shown from the day `since` (Brussels date) on."""
    rows = session.execute(
        select(ServiceShownDay.service_id, func.sum(ServiceShownDay.count))
        .where(ServiceShownDay.day >= since)
        .group_by(ServiceShownDay.service_id)
    )
    return {service_id: int(total or 0) for service_id, total in rows}


def shown_to(session: Session, sender_id: str, since: datetime) -> list[str]:
    """The services shown to a conversation since `since`, most recently shown first."""
    rows = session.scalars(
        select(ServiceShownTo.service_id)
        .where(
            ServiceShownTo.sender_id == sender_id,
            ServiceShownTo.shown_at >= as_utc(since).astimezone(timezone.utc),
        )
        .order_by(ServiceShownTo.shown_at.desc(), ServiceShownTo.id.desc())
    )
    return list(dict.fromkeys(rows))


def shown_lately(session: Session, sender_id: str) -> list[str]:
    """What the conversation was shown within SHOWN_TO_DAYS (the only services a
    closed-place report from it may name), most recently shown first."""
    return shown_to(session, sender_id, utcnow() - timedelta(days=SHOWN_TO_DAYS))


def prune(session: Session, before: datetime, counts_before: date | None = None) -> int:
    """Delete the conversations' rows shown before `before`, and the daily counts of the
    days before `counts_before` (by default COUNT_DAYS days before `before`'s date); the
    rows deleted."""
    before = as_utc(before).astimezone(timezone.utc)
    if counts_before is None:
        counts_before = local_day(before) - timedelta(days=COUNT_DAYS)
    shown = rowcount(
        session.execute(delete(ServiceShownTo).where(ServiceShownTo.shown_at < before))
    )
    counts = rowcount(
        session.execute(delete(ServiceShownDay).where(ServiceShownDay.day < counts_before))
    )
    return (shown or 0) + (counts or 0)


def erase(session: Session, sender_id: str) -> int:
    """Delete what says which services a conversation was shown (the anonymous daily
    counts stay); the rows deleted."""
    result = session.execute(delete(ServiceShownTo).where(ServiceShownTo.sender_id == sender_id))
    return rowcount(result) or 0
