"""Which conversations a staff member may touch once their role allowed the route
(deps.require_role): only their housing company's (404 / 403 otherwise), and for a reply,
a release or a closing only one that is claimed, by them unless they are a supervisor or
an admin (409 otherwise). A closed conversation stays closed: claiming, releasing,
reassigning, answering or closing it again is a 409 and changes nothing. And the audit
trail of what staff do.

A conversation about to be changed is read with its row locked (SELECT ... FOR UPDATE on
PostgreSQL; SQLite has one writer at a time anyway) until the request's unit of work
commits, so a closing in another request cannot slip between the check and the change."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy.orm import Session

from bot.console.deps import CAN_REASSIGN, Staff
from bot.handoff import store
from bot.handoff.models import OPEN_STATUSES, Handoff, StaffUser

CLOSED = "this conversation is closed"
NOT_HOLDER = "claim the conversation first"
OTHER_COMPANY = "this conversation belongs to another housing company"


def own_handoff(
    session: Session, staff: Staff, handoff_id: int, for_update: bool = False
) -> Handoff:
    handoff = session.get(
        Handoff, handoff_id, with_for_update=for_update, populate_existing=for_update
    )
    if handoff is None:
        raise HTTPException(404, "no such conversation")
    if handoff.company_id != staff.company_id:
        raise HTTPException(403, OTHER_COMPANY)
    return handoff


def open_handoff(session: Session, staff: Staff, handoff_id: int) -> Handoff:
    """The staff member's company's conversation, locked, when it is not closed (409)."""
    handoff = own_handoff(session, staff, handoff_id, for_update=True)
    if handoff.status not in OPEN_STATUSES:
        raise HTTPException(409, CLOSED)
    return handoff


def held_handoff(session: Session, staff: Staff, handoff_id: int) -> Handoff:
    """The staff member's company's conversation, claimed by them, or by anyone when they
    may act for others (CAN_REASSIGN); locked."""
    handoff = open_handoff(session, staff, handoff_id)
    if handoff.status != "claimed" or (
        handoff.claimed_by != staff.id and staff.role not in CAN_REASSIGN
    ):
        raise HTTPException(409, NOT_HOLDER)
    return handoff


def audit(
    session: Session,
    staff: Staff | None,
    action: str,
    handoff_id: int | None = None,
    detail: str | None = None,
) -> None:
    user = session.get(StaffUser, staff.id) if staff else None
    store.audit(session, user, action, handoff_id, detail)


def reassignable_handoff(session: Session, staff: Staff, handoff_id: int) -> Handoff:
    """The staff member's company's conversation, when they hold it or may act for others
    (403 otherwise) and it is not closed (409); locked."""
    handoff = own_handoff(session, staff, handoff_id, for_update=True)
    if staff.role not in CAN_REASSIGN and handoff.claimed_by != staff.id:
        raise HTTPException(403, "only the holder or a supervisor can reassign")
    if handoff.status not in OPEN_STATUSES:
        raise HTTPException(409, CLOSED)
    return handoff


def not_moved() -> HTTPException:
    """The conditional UPDATE found the conversation changed (closed) after all."""
    return HTTPException(409, CLOSED)
