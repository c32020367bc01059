"""A caseworker's one-click "this place was closed" from a conversation: the page lists
the activities the assistant showed this tenant lately (bot/curation/shown.py), and a
press flags one to its curators (bot/curation/reports.py). The tenant's words are not
copied: the report holds the service, the conversation's number and who pressed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.console.access import audit, own_handoff
from bot.console.deps import CAN_ACT, CSRF, Staff, require_role
from bot.core.deps import UnitOfWorkDep
from bot.curation import reports, shown
from bot.directory.store import load
from bot.handoff.models import Handoff
from bot.hsds_profile import translated

router = APIRouter(prefix="/console")
Reporter = Annotated[
    Staff, Depends(require_role(*CAN_ACT, refusal="this role cannot report a closed place"))
]


@dataclass(frozen=True)
class ShownPlace:
    service_id: str
    name: str
    reported: bool  # already flagged from this conversation


def shown_places(session: Session, handoff: Handoff, language: str) -> list[ShownPlace]:
    ids = shown.shown_lately(session, handoff.sender_id)
    records = load(session, "service", ids)
    flagged = reports.reported_for_handoff(session, handoff.id)
    return [
        ShownPlace(
            service_id,
            str(translated(records[service_id], "name", language)),
            service_id in flagged,
        )
        for service_id in ids
        if service_id in records
    ]


def report(session: Session, staff: Staff, handoff_id: int, service_id: str) -> None:
    handoff = own_handoff(session, staff, handoff_id, for_update=True)
    if service_id not in shown.shown_lately(session, handoff.sender_id):
        raise HTTPException(404, "the assistant did not show this activity in this conversation")
    reports.report_closed(session, service_id, "caseworker", handoff.id, staff.id)
    audit(session, staff, "closed_place", handoff.id)


@router.post("/handoffs/{handoff_id}/closed-place", dependencies=[CSRF])
async def report_closed_place(
    handoff_id: int, staff: Reporter, work: UnitOfWorkDep, service_id: str = Form(max_length=64)
) -> Response:
    await work.run(report, staff, handoff_id, service_id)
    return RedirectResponse(f"/console/handoffs/{handoff_id}#closed-places", status_code=303)
