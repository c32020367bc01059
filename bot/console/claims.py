"""Who holds a conversation: claiming it from the queue (one winner when two claim at once),
putting it back in the queue, and handing it to a colleague (each written in the
transcript; the colleague's open console tells them, bot/console/alerts.py); never once it
is closed (409, nothing changed: a closed conversation is not reopened)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.console.access import (
    CLOSED,
    audit,
    held_handoff,
    not_moved,
    own_handoff,
    reassignable_handoff,
)
from bot.console.deps import CAN_ACT, CSRF, Staff, redirect_with_flash, require_role
from bot.console.transcript_entries import record_event
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.core.services import in_background
from bot.handoff import store
from bot.handoff.models import OPEN_STATUSES, StaffUser
from bot.handoff.rasa_pause import pause_rasa, resume_rasa

router = APIRouter(prefix="/console")
Taker = Annotated[
    Staff, Depends(require_role(*CAN_ACT, refusal="this role cannot take conversations"))
]


def take(session: Session, staff: Staff, handoff_id: int) -> tuple[str | None, str]:
    """(None, sender) when the staff member got the conversation; else (the name of who
    has it, sender) (409 when it is closed)."""
    handoff = own_handoff(session, staff, handoff_id)
    if store.claim(session, handoff.id, staff.id):
        audit(session, staff, "claim", handoff.id)
        record_event(session, handoff.id, "claimed", staff.id)
        return None, handoff.sender_id
    session.refresh(handoff)
    if handoff.status not in OPEN_STATUSES:
        raise HTTPException(409, CLOSED)
    holder = session.get(StaffUser, handoff.claimed_by) if handoff.claimed_by else None
    return (holder.name if holder else "?"), handoff.sender_id


@router.post("/handoffs/{handoff_id}/claim", dependencies=[CSRF])
async def claim(
    handoff_id: int, staff: Taker, work: UnitOfWorkDep, services: ServicesDep
) -> Response:
    holder, sender_id = await work.run(take, staff, handoff_id)
    if holder is not None:
        return redirect_with_flash("/console/", "taken", handoff_id)
    # from now on the tenant's messages go to the caseworker only
    work.after_commit(lambda: in_background(services, pause_rasa(services, sender_id, handoff_id)))
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


def give_back(session: Session, staff: Staff, handoff_id: int) -> str:
    handoff = held_handoff(session, staff, handoff_id)
    if not store.release(session, handoff):
        raise not_moved()
    audit(session, staff, "release", handoff.id)
    record_event(session, handoff.id, "released", staff.id)
    return handoff.sender_id


@router.post("/handoffs/{handoff_id}/release", dependencies=[CSRF])
async def release(
    handoff_id: int, staff: Taker, work: UnitOfWorkDep, services: ServicesDep
) -> Response:
    sender_id = await work.run(give_back, staff, handoff_id)
    # back in the queue: the assistant answers the tenant again meanwhile
    work.after_commit(lambda: in_background(services, resume_rasa(services, sender_id)))
    return RedirectResponse("/console/", status_code=303)


def hand_over(session: Session, staff: Staff, handoff_id: int, colleague: int) -> str:
    handoff = reassignable_handoff(session, staff, handoff_id)
    target = session.get(StaffUser, colleague)
    if target is None or target.company_id != staff.company_id or target.role not in CAN_ACT:
        raise HTTPException(422, "no such colleague")
    if not store.reassign(session, handoff, target.id):
        raise not_moved()
    audit(session, staff, "reassign", handoff.id, f"to staff {target.id}")
    record_event(session, handoff.id, "reassigned", staff.id, target.id)
    return handoff.sender_id


@router.post("/handoffs/{handoff_id}/reassign", dependencies=[CSRF])
async def reassign(
    handoff_id: int,
    staff: Taker,
    work: UnitOfWorkDep,
    services: ServicesDep,
    colleague: int = Form(...),
    back: str = Form(""),
) -> Response:
    """`back=queue`: a supervisor assigned a waiting request from the queue, and stays there."""
    sender_id = await work.run(hand_over, staff, handoff_id, colleague)
    # a waiting request assigned to a colleague is held from now on
    work.after_commit(lambda: in_background(services, pause_rasa(services, sender_id, handoff_id)))
    target = "/console/" if back == "queue" else f"/console/handoffs/{handoff_id}"
    return RedirectResponse(target, status_code=303)
