"""Retention and erasure for the signals.

- Retention: rows older than RETENTION_SIGNAL_WEEKS (104) are deleted; a week's key (and
  its dedupe and erasure marks) a day after the week is over, after which nobody can tell
  which rows were one tenant's.
- Erasure: the rows of the weeks whose key still exists (this week, and last week during
  its grace day) are found by recomputing the tenant's token, and deleted; the token is
  marked erased so that the turns still on their way through the broker are not recorded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.db import rowcount
from bot.signals.models import SignalErased, SignalEvent, SignalWeekKey
from bot.signals.weeks import conversation_token, delete_ended_keys, week_key, week_of


def purge_signals(session: Session, weeks: int, now: datetime | None = None) -> int:
    """Delete the rows older than `weeks` and the ended weeks' keys; the rows deleted."""
    now = now or datetime.now(timezone.utc)
    delete_ended_keys(session, now)
    oldest_kept = week_of(now) - timedelta(weeks=weeks)
    return rowcount(session.execute(delete(SignalEvent).where(SignalEvent.week < oldest_kept))) or 0


def erase_signals(session: Session, sender_id: str, now: datetime | None = None) -> int:
    """Delete a tenant's rows of every week that still has its key; the rows deleted."""
    now = now or datetime.now(timezone.utc)
    week_key(session, week_of(now))  # this week's key, so that its turns still coming are marked
    deleted = 0
    for week, key in session.execute(select(SignalWeekKey.week, SignalWeekKey.key)).all():
        token = conversation_token(key, sender_id)
        deleted += (
            rowcount(
                session.execute(
                    delete(SignalEvent).where(
                        SignalEvent.week == week, SignalEvent.conversation == token
                    )
                )
            )
            or 0
        )
        if session.get(SignalErased, (week, token)) is None:
            session.add(SignalErased(week=week, conversation=token))
    return deleted
