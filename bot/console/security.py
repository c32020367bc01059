"""Console sessions: argon2 password hashes, a signed session cookie with an idle timeout,
and a CSRF token per session checked on every form that changes something."""

from __future__ import annotations

import hmac
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from fastapi import HTTPException, Request

_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown e-mail as slow as a real one.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


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
        raise HTTPException(403, "CSRF token missing or wrong: reload the page")


def start_session(request: Request, staff_id: int) -> None:
    request.session.clear()  # a new session id and token after login
    request.session.update(uid=staff_id, seen=time.time(), csrf=secrets.token_urlsafe(32))


def session_staff_id(request: Request, idle_minutes: int) -> int | None:
    """The logged-in staff member's id, or None (not logged in, or idle too long)."""
    uid, seen = request.session.get("uid"), request.session.get("seen", 0)
    if uid is None:
        return None
    if time.time() - seen > idle_minutes * 60:
        request.session.clear()
        return None
    request.session["seen"] = time.time()
    return int(uid)
