"""Login throttling: 5 failures in 15 minutes lock an account, 20 lock a client address,
for what is left of those 15 minutes. Checked before any password hashing (argon2 costs
64 MiB and tens of milliseconds a try: unthrottled, a few dozen parallel tries would also
take the CPU). Failures are rows (LoginFailure), so every gateway worker counts the same;
their keys are hashes, so no typed e-mail or address is kept.

The client address is the TCP peer. Behind a reverse proxy it is the proxy's, unless
uvicorn is told to trust its X-Forwarded-For (FORWARDED_ALLOW_IPS): then set that, or the
per-client limit counts every tenant's proxy as one client."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.clock import as_utc, utcnow
from bot.handoff.models import LoginFailure

WINDOW = timedelta(minutes=15)
LIMITS = {"account": 5, "client": 20}


def _key(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _keys(email: str, client: str) -> dict[str, str]:
    return {"account": _key(email), "client": _key(client)}


def locked_until(
    session: Session, email: str, client: str, now: datetime | None = None
) -> datetime | None:
    """When the lockout of this account or client ends, if one is on."""
    now = now or utcnow()
    ends = []
    for scope, key in _keys(email, client).items():
        recent = session.scalars(
            select(LoginFailure.at)
            .where(
                LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at > now - WINDOW
            )
            .order_by(LoginFailure.at.desc())
            .limit(LIMITS[scope])
        ).all()
        if len(recent) >= LIMITS[scope]:
            ends.append(as_utc(recent[-1]) + WINDOW)
    return max(ends) if ends else None


def record_failure(session: Session, email: str, client: str) -> bool:
    """One more failure; True when it starts a lockout (for the audit trail)."""
    now = utcnow()
    was_locked = locked_until(session, email, client, now) is not None
    for scope, key in _keys(email, client).items():
        session.add(LoginFailure(scope=scope, key=key, at=now))
    session.flush()
    return not was_locked and locked_until(session, email, client, now) is not None


def clear_account(session: Session, email: str) -> None:
    """A successful login forgets the account's failures (not the client's)."""
    session.execute(
        delete(LoginFailure).where(LoginFailure.scope == "account", LoginFailure.key == _key(email))
    )
