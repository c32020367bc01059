"""Logging in and out of the console: argon2 passwords, a new session (and CSRF token) at
login, every attempt in the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.access import audit
from bot.console.deps import CSRF, EVERY_ROLE, Staff, require_role
from bot.console.pages import render
from bot.console.security import password_matches, start_session
from bot.core.deps import UnitOfWorkDep
from bot.handoff import store
from bot.handoff.models import StaffUser

router = APIRouter(prefix="/console")
AnyStaff = Annotated[Staff, Depends(require_role(*EVERY_ROLE))]


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return render(request, "login.html", None, failed=False)


def _verify(session: Session, email: str, password: str) -> int | None:
    """The staff member's id when the password is theirs and the account active."""
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    ok = password_matches(user.password_hash if user else None, password)
    if ok and user is not None and user.active:
        store.audit(session, user, "login")
        return user.id
    store.audit(session, user, "login_failed")
    return None


@router.post("/login", dependencies=[CSRF])
async def login(
    request: Request, work: UnitOfWorkDep, email: str = Form(""), password: str = Form("")
) -> Response:
    staff_id = await work.run(_verify, email, password)
    if staff_id is None:
        return render(request, "login.html", None, status_code=401, failed=True)
    start_session(request, staff_id)
    return RedirectResponse("/console/", status_code=303)


@router.post("/logout", dependencies=[CSRF])
async def logout(request: Request, staff: AnyStaff, work: UnitOfWorkDep) -> Response:
    await work.run(audit, staff, "logout")
    request.session.clear()
    return RedirectResponse("/console/login", status_code=303)
