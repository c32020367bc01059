"""Console sign-in: argon2 password hashes, the session cookie (signed; it carries the
server-side session's token, bot/console/sessions.py, and a CSRF token per session checked
on every form that changes something)."""

from __future__ import annotations

import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from bot.console.sessions import open_session

_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown e-mail as slow as a real one.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
CSRF_REFUSED = "CSRF token missing or wrong: reload the page"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except VerificationError:
        return False


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(expected, submitted or ""):
        raise HTTPException(403, CSRF_REFUSED)


def start_session(session: Session, request: Request, staff_id: int) -> None:
    """A new server-side session in a new cookie (a new token and CSRF token after login)."""
    token = open_session(session, staff_id)
    request.session.clear()
    request.session.update(sid=token, csrf=secrets.token_urlsafe(32))


def session_token(request: Request) -> str | None:
    token = request.session.get("sid")
    return token if isinstance(token, str) else None
