"""Signing in and out of the console: the password (argon2), throttled per account and per
client before any hashing (bot/console/throttle.py), then the second factor for every role
(bot/console/second_factor.py: enrolment at the first login, then a code or a recovery
code); only then a server-side session (bot/console/sessions.py). Every attempt is in the
audit trail.

Between the password and the second factor the signed cookie holds only who passed the
password and when (5 minutes); no other console page accepts that."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console import second_factor, throttle
from bot.console.access import audit
from bot.console.deps import CSRF, EVERY_ROLE, HOME_OF, Staff, require_role
from bot.console.pages import render
from bot.console.security import password_matches, session_token, start_session
from bot.console.sessions import end_session
from bot.core.clock import utcnow
from bot.core.deps import UnitOfWorkDep
from bot.handoff import store
from bot.handoff.models import StaffUser

router = APIRouter(prefix="/console")
AnyStaff = Annotated[Staff, Depends(require_role(*EVERY_ROLE))]
PENDING_SECONDS = 5 * 60
SECOND_FACTOR_PAGE = "/console/login/second-factor"
SETUP_PAGE = "/console/second-factor/setup"
RECOVERY_CODES_PAGE = "/console/second-factor/recovery-codes"


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _locked_answer(request: Request, until: datetime) -> Response:
    wait = max(1, math.ceil((until - utcnow()).total_seconds()))
    response = render(request, "login.html", None, status_code=429, failed=False, locked=True)
    response.headers["Retry-After"] = str(wait)
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return render(request, "login.html", None, failed=False, locked=False)


@dataclass(frozen=True)
class PasswordOutcome:
    staff_id: int | None = None
    enrolled: bool = False
    locked_until: datetime | None = None


def _check_password(session: Session, email: str, password: str, client: str) -> PasswordOutcome:
    until = throttle.locked_until(session, email, client)
    if until is not None:  # refused before any hashing, the right password too
        return PasswordOutcome(locked_until=until)
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    ok = password_matches(user.password_hash if user else None, password)
    if ok and user is not None and user.active:
        throttle.clear_account(session, email)
        store.audit(session, user, "password_ok")
        return PasswordOutcome(user.id, user.totp_confirmed_at is not None)
    store.audit(session, user, "login_failed")
    if throttle.record_failure(session, email, client):
        store.audit(session, user, "login_locked")
    return PasswordOutcome()


@router.post("/login", dependencies=[CSRF])
async def login(
    request: Request, work: UnitOfWorkDep, email: str = Form(""), password: str = Form("")
) -> Response:
    outcome = await work.run(_check_password, email, password, client_of(request))
    if outcome.locked_until is not None:
        return _locked_answer(request, outcome.locked_until)
    if outcome.staff_id is None:
        return render(request, "login.html", None, status_code=401, failed=True, locked=False)
    csrf = request.session.get("csrf")
    request.session.clear()  # nothing of an earlier session survives a new login
    request.session.update(pending=outcome.staff_id, pending_at=time.time(), csrf=csrf)
    return RedirectResponse(SECOND_FACTOR_PAGE if outcome.enrolled else SETUP_PAGE, 303)


def pending_staff_id(request: Request) -> int | None:
    """Who passed the password in the last 5 minutes and has not yet given a code."""
    staff_id, since = request.session.get("pending"), request.session.get("pending_at", 0)
    if staff_id is None or time.time() - float(since) > PENDING_SECONDS:
        return None
    return int(staff_id)


def _home(role: str) -> str:
    return HOME_OF.get(role, "/console/")


@router.get("/login/second-factor", response_class=HTMLResponse)
async def second_factor_page(request: Request) -> Response:
    if pending_staff_id(request) is None:
        return RedirectResponse("/console/login", 303)
    return render(request, "second_factor.html", None, failed=False)


@dataclass(frozen=True)
class CodeOutcome:
    home: str | None = None
    locked_until: datetime | None = None


def _check_code(session: Session, staff_id: int, code: str, client: str) -> CodeOutcome:
    user = session.get(StaffUser, staff_id)
    if user is None or not user.active or user.totp_confirmed_at is None:
        return CodeOutcome()
    until = throttle.locked_until(session, user.email, client)
    if until is not None:
        return CodeOutcome(locked_until=until)
    if second_factor.accept_code(user, code):
        store.audit(session, user, "login")
        return CodeOutcome(_home(user.role))
    if second_factor.use_recovery_code(session, user, code):
        store.audit(session, user, "login_recovery_code")
        return CodeOutcome(_home(user.role))
    store.audit(session, user, "second_factor_failed")
    if throttle.record_failure(session, user.email, client):
        store.audit(session, user, "login_locked")
    return CodeOutcome()


@router.post("/login/second-factor", dependencies=[CSRF])
async def second_factor_login(
    request: Request, work: UnitOfWorkDep, code: str = Form("")
) -> Response:
    staff_id = pending_staff_id(request)
    if staff_id is None:
        return RedirectResponse("/console/login", 303)
    outcome = await work.run(_check_code, staff_id, code, client_of(request))
    if outcome.locked_until is not None:
        return _locked_answer(request, outcome.locked_until)
    if outcome.home is None:
        return render(request, "second_factor.html", None, status_code=401, failed=True)
    await work.run(start_session, request, staff_id)
    return RedirectResponse(outcome.home, 303)


def _enrolment_secret(session: Session, staff_id: int) -> tuple[str, str] | None:
    """The not yet confirmed secret of the staff member (made now if there is none) and
    their e-mail; None once a secret is confirmed (no second enrolment without a reset)."""
    user = session.get(StaffUser, staff_id)
    if user is None or not user.active or user.totp_confirmed_at is not None:
        return None
    if not user.totp_secret:
        user.totp_secret = second_factor.new_secret()
    return user.totp_secret, user.email


def setup_form(request: Request, secret: str, email: str, failed: bool = False) -> Response:
    """The enrolment page: the QR code and the key for the staff member's app (401 after a
    wrong code)."""
    qr = second_factor.qr_svg(second_factor.provisioning_uri(secret, email))
    status = 401 if failed else 200
    return render(
        request, "second_factor_setup.html", None, status, secret=secret, qr=qr, failed=failed
    )


@router.get("/second-factor/setup", response_class=HTMLResponse)
async def setup_page(request: Request, work: UnitOfWorkDep) -> Response:
    staff_id = pending_staff_id(request)
    enrolment = None if staff_id is None else await work.run(_enrolment_secret, staff_id)
    if enrolment is None:
        return RedirectResponse("/console/login", 303)
    secret, email = enrolment
    return setup_form(request, secret, email)


def _confirm(session: Session, staff_id: int, code: str) -> bool:
    user = session.get(StaffUser, staff_id)
    if user is None or user.totp_confirmed_at is not None:
        return False
    if not second_factor.accept_code(user, code):
        store.audit(session, user, "second_factor_failed")
        return False
    user.totp_confirmed_at = utcnow()
    store.audit(session, user, "second_factor_enrolled")
    return True


@router.post("/second-factor/setup", dependencies=[CSRF])
async def confirm_setup(request: Request, work: UnitOfWorkDep, code: str = Form("")) -> Response:
    staff_id = pending_staff_id(request)
    if staff_id is None:
        return RedirectResponse("/console/login", 303)
    if not await work.run(_confirm, staff_id, code):
        enrolment = await work.run(_enrolment_secret, staff_id)
        if enrolment is None:
            return RedirectResponse("/console/login", 303)
        secret, email = enrolment
        return setup_form(request, secret, email, failed=True)
    await work.run(start_session, request, staff_id)
    request.session["recovery_codes_due"] = True
    return RedirectResponse(RECOVERY_CODES_PAGE, 303)


def _new_recovery_codes(session: Session, staff_id: int) -> list[str]:
    user = session.get_one(StaffUser, staff_id)
    store.audit(session, user, "recovery_codes_made")
    return second_factor.new_recovery_codes(session, user)


@router.get("/second-factor/recovery-codes", response_class=HTMLResponse)
async def recovery_codes_page(request: Request, staff: AnyStaff, work: UnitOfWorkDep) -> Response:
    """The recovery codes, once, right after enrolment: made here, in this answer (never
    kept in clear, never in a URL); a reload finds none and goes on to the console."""
    if not request.session.pop("recovery_codes_due", False):
        return RedirectResponse(_home(staff.role), 303)
    codes = await work.run(_new_recovery_codes, staff.id)
    page = render(request, "recovery_codes.html", staff, codes=codes, home=_home(staff.role))
    page.headers["Cache-Control"] = "no-store"  # not kept by the browser either
    return page


@router.post("/logout", dependencies=[CSRF])
async def logout(request: Request, staff: AnyStaff, work: UnitOfWorkDep) -> Response:
    """Ends the session on the server: a copy of the cookie no longer opens anything."""
    token = session_token(request)
    if token is not None:
        await work.run(end_session, token)
    await work.run(audit, staff, "logout")
    request.session.clear()
    return RedirectResponse("/console/login", status_code=303)
