"""The console's second factor: TOTP (RFC 6238, pyotp) for every role, enrolled with a QR
code (segno, inline SVG: no request leaves the page) and one-time recovery codes.

A code is accepted for the current 30-second step or the one before or after (clock drift),
and once only: the step it was accepted for is kept, and a code for that step or an earlier
one is refused (a code seen over a shoulder cannot be replayed). Recovery codes are random
(50 bits each), shown once, stored argon2-hashed, and each works once. Their argon2 is
lighter than the passwords' (8 MiB, not 64): 50 random bits need no more, and a recovery
attempt checks all ten codes."""

from __future__ import annotations

import hmac
import secrets
import time

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.handoff.models import RecoveryCode, StaffUser

ISSUER = "Tenant assistant console"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_recovery_hasher = PasswordHasher(time_cost=2, memory_cost=8192, parallelism=1)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline <svg> element (no XML declaration)."""
    return segno.make(uri, error="m").svg_inline(scale=5)


def accept_code(user: StaffUser, code: str, now: float | None = None) -> bool:
    """True, and the step remembered, when `code` is the user's current TOTP code (±1
    step) for a step later than the last one accepted."""
    if not user.totp_secret:
        return False
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    moment = now if now is not None else time.time()
    step = int(moment // totp.interval)
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.at(candidate * totp.interval), digits):
            if user.totp_last_step is not None and candidate <= user.totp_last_step:
                return False  # already used: a replay
            user.totp_last_step = candidate
            return True
    return False


def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch in _ALPHABET)


def new_recovery_codes(session: Session, user: StaffUser) -> list[str]:
    """Replaces the user's recovery codes; the new ones, to show once."""
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.staff_id == user.id)):
        session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODES):
        code = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        session.add(RecoveryCode(staff_id=user.id, code_hash=_recovery_hasher.hash(code)))
        codes.append(f"{code[:5]}-{code[5:]}")
    return codes


def use_recovery_code(session: Session, user: StaffUser, code: str) -> bool:
    """True when `code` is one of the user's unused recovery codes (then used up)."""
    typed = _normal(code)
    if len(typed) != 10:
        return False
    unused = session.scalars(
        select(RecoveryCode).where(RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None))
    )
    for stored in unused:
        try:
            _recovery_hasher.verify(stored.code_hash, typed)
        except VerificationError:
            continue
        stored.used_at = utcnow()
        return True
    return False


def reset(session: Session, user: StaffUser) -> None:
    """An admin's reset: no secret, no recovery codes; enrolment again at next login."""
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.staff_id == user.id)):
        session.delete(old)
