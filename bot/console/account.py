"""A staff member's own account (changing the password, their phone for callbacks) and an
admin's care of their company's accounts (sign a colleague out everywhere, reset a lost
second factor). Each of these is audited; all but the phone end the sessions concerned at
once (bot/console/sessions.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from bot.console import second_factor
from bot.console.deps import ADMINS, CSRF, EVERY_ROLE, Staff, require_role
from bot.console.pages import render
from bot.console.security import hash_password, password_matches, start_session
from bot.console.sessions import end_every_session
from bot.core.clock import utcnow
from bot.core.deps import UnitOfWorkDep
from bot.handoff import store
from bot.handoff.models import StaffSession, StaffUser

router = APIRouter(prefix="/console")
AnyStaff = Annotated[Staff, Depends(require_role(*EVERY_ROLE))]
Admin = Annotated[Staff, Depends(require_role(*ADMINS, refusal="only an admin manages accounts"))]
MIN_PASSWORD = 12
# zxcvbn's score (0-4): 3 is "safely unguessable" for an online attack; its offline lists
# hold the most common passwords of public breaches, names and words.
MIN_SCORE = 3


def password_problem(password: str, confirmation: str, known: list[str]) -> str | None:
    """The i18n key of what is wrong with a new password, or None."""
    if password != confirmation:
        return "password_mismatch"
    if len(password) < MIN_PASSWORD:
        return "password_short"
    if zxcvbn(password[:100], user_inputs=known)["score"] < MIN_SCORE:
        return "password_common"
    return None


def _own_settings(session: Session, staff_id: int) -> tuple[str | None, bool]:
    user = session.get_one(StaffUser, staff_id)
    return user.phone, user.email_notices


@router.get("/account/password", response_class=HTMLResponse)
async def password_page(request: Request, staff: AnyStaff, work: UnitOfWorkDep) -> Response:
    phone, email_notices = await work.run(_own_settings, staff.id)
    return render(
        request,
        "account_password.html",
        staff,
        problem=None,
        phone=phone,
        email_notices=email_notices,
    )


def _set_email_notices(session: Session, staff_id: int, wanted: bool) -> None:
    user = session.get_one(StaffUser, staff_id)
    user.email_notices = wanted
    store.audit(session, user, "email_notices_on" if wanted else "email_notices_off")


@router.post("/account/notices", dependencies=[CSRF])
async def change_email_notices(
    staff: AnyStaff, work: UnitOfWorkDep, email_notices: str = Form("")
) -> Response:
    """The staff member's own choice: the console's e-mails, or none (the console and its
    alerts show everything either way)."""
    await work.run(_set_email_notices, staff.id, email_notices == "true")
    return RedirectResponse("/console/account/password?notices=saved#notices", 303)


def _set_phone(session: Session, staff_id: int, phone: str | None) -> None:
    user = session.get_one(StaffUser, staff_id)
    user.phone = phone
    store.audit(session, user, "phone_changed" if phone else "phone_removed")  # no number


@router.post("/account/phone", dependencies=[CSRF])
async def change_phone(
    request: Request, staff: AnyStaff, work: UnitOfWorkDep, phone: str = Form("")
) -> Response:
    """The staff member's own phone, which a callback rings first (empty: removed)."""
    typed = phone.strip()[:40]
    number = store.normalised_number(typed) if typed else None
    if typed and (number is None or number.startswith("whatsapp:")):
        _, email_notices = await work.run(_own_settings, staff.id)
        return render(
            request,
            "account_password.html",
            staff,
            400,
            problem=None,
            phone=typed,
            phone_problem="phone_bad",
            email_notices=email_notices,
        )
    await work.run(_set_phone, staff.id, number)
    return RedirectResponse("/console/account/password?phone=saved#phone", 303)


def _change_password(
    session: Session, staff_id: int, current: str, new: str, confirmation: str
) -> str | None:
    user = session.get_one(StaffUser, staff_id)
    if not password_matches(user.password_hash, current):
        store.audit(session, user, "password_change_failed")
        return "password_wrong"
    problem = password_problem(new, confirmation, [user.email, user.name, current])
    if problem is not None:
        return problem
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_every_session(session, staff_id)  # every copy of every cookie, this one included
    store.audit(session, user, "password_changed")
    return None


@router.post("/account/password", dependencies=[CSRF])
async def change_password(
    request: Request,
    staff: AnyStaff,
    work: UnitOfWorkDep,
    current: str = Form(""),
    new: str = Form(""),
    confirmation: str = Form(""),
) -> Response:
    problem = await work.run(_change_password, staff.id, current, new, confirmation)
    if problem is not None:
        phone, email_notices = await work.run(_own_settings, staff.id)
        return render(
            request,
            "account_password.html",
            staff,
            400,
            problem=problem,
            phone=phone,
            email_notices=email_notices,
        )
    await work.run(start_session, request, staff.id)  # this browser goes on, in a new session
    return RedirectResponse("/console/account/password?done=1", 303)


def _company_accounts(session: Session, admin: Staff) -> list[dict[str, object]]:
    live = (
        select(StaffSession.staff_id, func.count().label("live"))
        .where(StaffSession.revoked_at.is_(None))
        .group_by(StaffSession.staff_id)
        .subquery()
    )
    rows = session.execute(
        select(StaffUser, live.c.live)
        .outerjoin(live, live.c.staff_id == StaffUser.id)
        .where(StaffUser.company_id == admin.company_id)
        .order_by(StaffUser.name)
    )
    return [
        {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "active": user.active,
            "second_factor": user.totp_confirmed_at is not None,
            "sessions": sessions or 0,
        }
        for user, sessions in rows
    ]


@router.get("/staff", response_class=HTMLResponse)
async def accounts_page(request: Request, admin: Admin, work: UnitOfWorkDep) -> Response:
    accounts = await work.run(_company_accounts, admin)
    return render(request, "staff.html", admin, accounts=accounts)


def _colleague(session: Session, admin: Staff, staff_id: int) -> StaffUser:
    user = session.get(StaffUser, staff_id)
    if user is None or user.company_id != admin.company_id:
        raise HTTPException(403, "this account is not of your housing company")
    return user


def _sign_out_everywhere(session: Session, admin: Staff, staff_id: int) -> None:
    user = _colleague(session, admin, staff_id)
    end_every_session(session, user.id)
    store.audit(session, session.get(StaffUser, admin.id), "signed_out", detail=user.email)


def _reset_second_factor(session: Session, admin: Staff, staff_id: int) -> None:
    user = _colleague(session, admin, staff_id)
    second_factor.reset(session, user)
    end_every_session(session, user.id)
    store.audit(session, session.get(StaffUser, admin.id), "second_factor_reset", detail=user.email)


@router.post("/staff/{staff_id}/sign-out", dependencies=[CSRF])
async def sign_out_everywhere(admin: Admin, work: UnitOfWorkDep, staff_id: int) -> Response:
    await work.run(_sign_out_everywhere, admin, staff_id)
    return RedirectResponse("/console/staff", 303)


@router.post("/staff/{staff_id}/second-factor/reset", dependencies=[CSRF])
async def reset_second_factor(admin: Admin, work: UnitOfWorkDep, staff_id: int) -> Response:
    await work.run(_reset_second_factor, admin, staff_id)
    return RedirectResponse("/console/staff", 303)
