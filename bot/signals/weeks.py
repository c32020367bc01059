"""Weeks (Monday of the ISO week, Europe/Brussels) and their keys: a week's conversation
tokens are HMACs under a random key that exists from the week's first signal until the
retention job deletes it, a day after the week is over."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.db import rowcount
from bot.signals.models import SignalErased, SignalTurnSeen, SignalWeekKey

BRUSSELS = ZoneInfo("Europe/Brussels")
TOKEN_LENGTH = 32  # hex characters (128 bits): SignalEvent.conversation
# A week's key outlives the week by this much, for turns still on their way through the broker.
KEY_GRACE = timedelta(days=1)


def week_of(moment: datetime | float) -> date:
    """The Monday of the ISO week of a moment (a datetime or a Unix timestamp), in Brussels."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    day = moment.astimezone(BRUSSELS).date()
    return day - timedelta(days=day.weekday())


def week_key(session: Session, week: date) -> str:
    """The week's key, created on first use. Two processes creating it at once: the primary
    key lets one insert win, the other reads the winner's key."""
    key = session.scalar(select(SignalWeekKey.key).where(SignalWeekKey.week == week))
    if key is not None:
        return key
    try:
        with session.begin_nested():
            session.add(SignalWeekKey(week=week, key=secrets.token_hex(32)))
    except IntegrityError:
        pass
    return session.scalars(select(SignalWeekKey.key).where(SignalWeekKey.week == week)).one()


def keyed(key: str, value: str) -> str:
    """HMAC-SHA256 of a value under a week's key, cut to a token."""
    digest = hmac.new(bytes.fromhex(key), value.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:TOKEN_LENGTH]


def conversation_token(key: str, sender_id: str) -> str:
    return keyed(key, "conversation:" + sender_id)


def turn_digest(key: str, message_id: str) -> str:
    return keyed(key, "turn:" + message_id)


def delete_ended_keys(session: Session, now: datetime) -> int:
    """Delete the keys (and the dedupe and erasure marks) of the weeks that ended more than
    KEY_GRACE ago: their tokens can no longer be recomputed from a sender id."""
    ended = week_of(now - KEY_GRACE)  # weeks before this one ended at least KEY_GRACE ago
    session.execute(delete(SignalTurnSeen).where(SignalTurnSeen.week < ended))
    session.execute(delete(SignalErased).where(SignalErased.week < ended))
    return rowcount(session.execute(delete(SignalWeekKey).where(SignalWeekKey.week < ended))) or 0
