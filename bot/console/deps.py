"""What the console's routes share, as FastAPI dependencies: the logged-in staff member
(`current_staff`), the roles a route admits (`require_role`, the one place roles are
checked), the CSRF token of a form that changes something (`csrf_checked`, declared on the
route so that it runs before anything else), and the one-line message a redirect carries
to the queue (`Flash`, `redirect_with_flash`)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from bot.console.security import check_csrf, session_token
from bot.console.sessions import end_every_session, live_staff_id
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.handoff.models import ROLES, HousingCompany, StaffUser

# Who takes, answers and closes conversations.
CAN_ACT = ("caseworker", "supervisor", "admin")
# Who sees conversations: a coordinator sees only the anonymous signals (signals_page.py).
CAN_READ = (*CAN_ACT, "auditor")
# Who may also act on a conversation another caseworker holds, and hand it to someone else.
CAN_REASSIGN = ("supervisor", "admin")
CAN_SEE_SIGNALS = ("coordinator", "admin")
ADMINS = ("admin",)
# Who keeps the activities directory true (bot/console/curation*.py): a curator their
# company's services, a regional curator every service.
CURATORS = ("curator", "regional_curator")
REGIONAL_CURATORS = ("regional_curator",)
EVERY_ROLE = ROLES
LOGIN_PAGE = "/console/login"
# Where a role that has no queue lands when it opens the console's home page.
HOME_OF = {
    "coordinator": "/console/signals",
    "curator": "/console/directory",
    "regional_curator": "/console/directory",
}


@dataclass(frozen=True)
class Staff:
    id: int
    name: str
    role: str
    company_id: str
    language: str
    company_name: str = ""  # as staff read it (the id when unknown)


def _to_login() -> HTTPException:
    return HTTPException(303, headers={"Location": LOGIN_PAGE})


def _active_staff(session: Session, token: str, idle: timedelta, activity: bool) -> Staff | None:
    staff_id = live_staff_id(session, token, idle, activity)
    if staff_id is None:
        return None
    user = session.get(StaffUser, staff_id)
    if user is None or not user.active:
        end_every_session(session, staff_id)
        return None
    company = session.get(HousingCompany, user.company_id)
    company_name = company.name_in(user.language) if company else user.company_id
    return Staff(user.id, user.name, user.role, user.company_id, user.language, company_name)


BACKGROUND_PATHS = re.compile(r"/console/(|alerts|handoffs/\d+/entries)")


def is_background(request: Request) -> bool:
    """The pages' own polling (the queue's table, the alerts, a conversation's new entries),
    which must not keep an idle session alive; told apart by its route and parameter, not
    by a header."""
    return bool(BACKGROUND_PATHS.fullmatch(request.url.path)) and request.query_params.get(
        "partial"
    ) in ("1", "true")


async def current_staff(request: Request, services: ServicesDep, work: UnitOfWorkDep) -> Staff:
    """The logged-in staff member, whatever their role (to the login page otherwise: not
    logged in, a session revoked, idle too long or past its 12 hours, or an account since
    disabled)."""
    token = session_token(request)
    if token is None:
        raise _to_login()
    idle = timedelta(minutes=services.settings.console_idle_minutes)
    staff = await work.run(_active_staff, token, idle, not is_background(request))
    if staff is None:
        await work.commit()  # the expired session's revocation
        request.session.clear()
        raise _to_login()
    request.state.staff = staff  # an error page is drawn in their language (errors.py)
    return staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]


def require_role(
    *roles: str,
    refusal: str = "this role cannot see this page",
    others_home: bool = False,
) -> Callable[[Staff], Awaitable[Staff]]:
    """A dependency: the logged-in staff member when their role is one of `roles`; 403 with
    `refusal` otherwise, or, with `others_home`, a redirect to the home page of a role that
    has one elsewhere (HOME_OF)."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    async def staff_in_role(staff: CurrentStaff) -> Staff:
        if staff.role in roles:
            return staff
        if others_home and staff.role in HOME_OF:
            raise HTTPException(303, headers={"Location": HOME_OF[staff.role]})
        raise HTTPException(403, refusal)

    return staff_in_role


def csrf_checked(request: Request, csrf: str = Form("")) -> None:
    """The form's `csrf` field is this session's token (403 otherwise)."""
    check_csrf(request, csrf)


CSRF = Depends(csrf_checked)


@dataclass(frozen=True)
class Notice:
    """A one-line message a redirect left for the queue page: a key from NOTICES (never
    text from the query, which anyone could write into a link) and the conversation it is
    about, whose details the page reads itself."""

    key: str
    handoff_id: int | None


# key -> the console's word for it (bot/console/i18n.py)
NOTICES = {"taken": "taken_by"}


def flash(m: str | None = Query(None), handoff: int | None = Query(None)) -> Notice | None:
    """The notice a redirect left (redirect_with_flash); unknown keys show nothing."""
    return Notice(m, handoff) if m in NOTICES else None


Flash = Annotated[Notice | None, Depends(flash)]


def redirect_with_flash(path: str, key: str, handoff_id: int | None = None) -> RedirectResponse:
    if key not in NOTICES:
        raise ValueError(f"no such notice: {key}")
    query = {"m": key, **({"handoff": str(handoff_id)} if handoff_id is not None else {})}
    return RedirectResponse(f"{path}?{urlencode(query)}", status_code=303)
