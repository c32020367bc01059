"""Console sessions held by the server (StaffSession): the cookie carries only a random
token, the row says whether it still counts. So logout, a password change, a deactivated
account or an admin's "sign out everywhere" end a session at once, whatever copies of the
cookie exist; a session ends 12 hours after login whatever happens, and after
CONSOLE_IDLE_MINUTES without a request of the staff member's own (the queue's background
refresh does not count)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.core.clock import as_utc, utcnow
from bot.core.db import rowcount
from bot.handoff.models import StaffSession

ABSOLUTE_LIFETIME = timedelta(hours=12)


def token_id(token: str) -> str:
    """The row's id: the token's SHA-256 (a stolen database does not give live cookies)."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, staff_id: int) -> str:
    """A new session for the staff member; its token, for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        StaffSession(id=token_id(token), staff_id=staff_id, created_at=now, last_active_at=now)
    )
    return token


def live_staff_id(
    session: Session, token: str, idle: timedelta, activity: bool, now: datetime | None = None
) -> int | None:
    """The staff member of a session that still counts, or None. `activity`: the request
    is the staff member's own (it keeps the session alive), not a background refresh."""
    now = now or utcnow()
    row = session.get(StaffSession, token_id(token))
    if row is None or row.revoked_at is not None:
        return None
    expired = (
        now - as_utc(row.created_at) > ABSOLUTE_LIFETIME or now - as_utc(row.last_active_at) > idle
    )
    if expired:
        row.revoked_at = now
        return None
    if activity:
        row.last_active_at = now
    return row.staff_id


def end_session(session: Session, token: str) -> None:
    row = session.get(StaffSession, token_id(token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def end_every_session(session: Session, staff_id: int, keep_token: str | None = None) -> int:
    """Revokes the staff member's live sessions (but `keep_token`'s); how many."""
    statement = update(StaffSession).where(
        StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None)
    )
    if keep_token is not None:
        statement = statement.where(StaffSession.id != token_id(keep_token))
    return rowcount(session.execute(statement.values(revoked_at=utcnow())))
