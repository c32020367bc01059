"""POST /internal/reminders: the action server asks for a reminder (shared secret, as the
other /internal endpoints). The gateway finds the session in its own directory and decides
when to send; asking twice for one session stores one reminder."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy.orm import Session

from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.core.internal_auth import require_internal_token
from bot.hsds_profile import TIME_ZONE
from bot.reminders.store import ReminderRefused, Scheduled, schedule

log = logging.getLogger(__name__)
router = APIRouter(prefix="/internal", dependencies=[Depends(require_internal_token)])


class ReminderRequest(BaseModel):
    sender_id: str = Field(min_length=1, max_length=64)
    service_id: str = Field(min_length=1, max_length=64)
    location_id: str | None = Field(default=None, max_length=64)
    # The session the tenant was shown; without it, the activity's next session.
    session_start: AwareDatetime | None = None
    language: Literal["fr", "nl"] = "fr"


def _schedule(session: Session, body: ReminderRequest, now: datetime | None) -> Scheduled:
    return schedule(
        session,
        body.sender_id,
        body.service_id,
        body.location_id,
        body.session_start,
        body.language,
        now=now,
    )


@router.post("/reminders")
async def create_reminder(
    body: ReminderRequest, services: ServicesDep, work: UnitOfWorkDep
) -> JSONResponse:
    try:
        done = await work.run(_schedule, body, services.settings.directory_clock)
    except ReminderRefused as refused:
        await work.rollback()
        return JSONResponse({"detail": refused.detail}, status_code=refused.status)
    log.info(
        "reminder for %s: %s",
        body.sender_id,
        "stored" if done.created else "kept" if done.scheduled else "too soon",
    )
    return JSONResponse(_answer(done), status_code=201 if done.created else 200)


def _answer(done: Scheduled) -> dict[str, Any]:
    end = done.session.end
    return {
        "scheduled": done.scheduled,
        "created": done.created,
        "session_start": done.session.start.astimezone(TIME_ZONE).isoformat(),
        "session_end": end.astimezone(TIME_ZONE).isoformat() if end else None,
        "send_at": done.send_at.astimezone(TIME_ZONE).isoformat() if done.send_at else None,
        "day_before": done.day_before,
    }
