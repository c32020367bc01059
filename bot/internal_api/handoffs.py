"""The internal API the action server calls (shared secret): POST /internal/handoffs.

Idempotent: a contact has at most one open handoff (the database's unique index, see
bot/handoff/store.py); asking again, or at the same instant as the tenant's PERSONNE,
returns it (200, and an urgent request makes it urgent), and only the request that
created it (201) counts it and pauses Rasa. Rasa gets `pause` as a safety net once the
action that asked has finished (Rasa holds the conversation's lock while the action runs),
ordered with the `resume` of a closing (bot/handoff/rasa_pause.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contacts.models import Contact
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.core.internal_auth import require_internal_token
from bot.handoff import store
from bot.handoff.hours import is_open, next_opening
from bot.handoff.models import HousingCompany
from bot.handoff.routing import closed_notices
from bot.privacy.erasure import request_erasure

log = logging.getLogger(__name__)
router = APIRouter(prefix="/internal", dependencies=[Depends(require_internal_token)])


class HandoffRequest(BaseModel):
    sender_id: str = Field(max_length=64)
    reason: str = Field(default="asked", max_length=32)
    urgent: bool = False
    language: str | None = None
    channel: str | None = None
    summary: dict[str, Any] = Field(default_factory=dict)


def _open(session: Session, body: HandoffRequest) -> dict[str, Any] | None:
    contact = session.scalar(select(Contact).where(Contact.pseudonym == body.sender_id))
    if contact is None:
        return None
    handoff, created = store.open_handoff(session, contact, body.model_dump())
    company = session.get_one(HousingCompany, handoff.company_id)
    now = datetime.now(timezone.utc)
    opening = next_opening(company.office_hours, company.holidays, now)
    return {
        "id": handoff.id,
        "created": created,
        "status": handoff.status,
        "urgent": handoff.urgent,
        "company": company.id,
        "open_now": is_open(company.office_hours, company.holidays, now),
        "next_opening": opening.isoformat() if opening else None,
        # what the tenant is told while the service is closed (the gateway's own words),
        # once per waiting period: None when it is open or the tenant was told already
        "out_of_hours_text": closed_notices(session, handoff) or None,
    }


@router.post("/handoffs")
async def open_handoff(
    body: HandoffRequest, services: ServicesDep, work: UnitOfWorkDep
) -> JSONResponse:
    try:
        answer = await work.run(_open, body)
    except LookupError as error:
        await work.rollback()
        return JSONResponse({"detail": str(error)}, status_code=503)
    if answer is None:
        return JSONResponse({"detail": "unknown sender"}, status_code=404)
    log.info(
        "handoff %s %s (%s)", answer["id"], "opened" if answer["created"] else "again", body.reason
    )
    if answer["created"]:
        services.metrics.handoffs.labels(str(answer["urgent"]).lower()).inc()
    return JSONResponse(answer, status_code=201 if answer["created"] else 200)


class ErasureRequest(BaseModel):
    sender_id: str = Field(max_length=64)


@router.post("/erasure")
async def request_erasure_of(body: ErasureRequest, work: UnitOfWorkDep) -> JSONResponse:
    """Confirmed by the tenant in the conversation; carried out when that turn is over."""
    found = await work.run(request_erasure, body.sender_id)
    if not found:
        return JSONResponse({"detail": "unknown sender"}, status_code=404)
    return JSONResponse({"scheduled": True}, status_code=202)
