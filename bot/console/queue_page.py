"""The queue: the staff member's housing company's open conversations, urgent first, then
the longest waiting; the page fetches its table again every 10 seconds (`partial`)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.alerts import wrote_again
from bot.console.colleagues import colleagues_with_workload
from bot.console.deps import (
    CAN_READ,
    CAN_REASSIGN,
    NOTICES,
    Flash,
    Notice,
    Staff,
    require_role,
)
from bot.console.i18n import words
from bot.console.pages import render
from bot.console.response_times import breaches_this_week, wait_of
from bot.core.clock import as_utc, utcnow
from bot.core.deps import UnitOfWorkDep
from bot.handoff.models import Handoff, HousingCompany, StaffUser

router = APIRouter(prefix="/console")
# A coordinator has no queue: the console's home page sends them to the signals.
QueueReader = Annotated[Staff, Depends(require_role(*CAN_READ, others_home=True))]


def queue_rows(session: Session, staff: Staff, language: str | None) -> list[dict[str, Any]]:
    statement = (
        select(Handoff, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == Handoff.claimed_by)
        .where(Handoff.company_id == staff.company_id, Handoff.status.in_(("waiting", "claimed")))
        # urgent first, then what nobody took in time (overdue_at set), then oldest first
        .order_by(Handoff.urgent.desc(), Handoff.overdue_at.is_(None), Handoff.opened_at)
    )
    if language in ("fr", "nl"):
        statement = statement.where(Handoff.language == language)
    company = session.get_one(HousingCompany, staff.company_id)
    now = utcnow()
    return [
        {
            "id": h.id,
            "urgent": h.urgent,
            "overdue": h.overdue_at is not None,
            "status": h.status,
            "reason": h.reason,
            "channel": h.channel,
            "language": h.language,
            "claimed_by": name,
            "opened_at": as_utc(h.opened_at),
            "wait": wait_of(company, h, now) if h.status == "waiting" else None,
        }
        for h, name in session.execute(statement)
    ]


def notice_text(session: Session, staff: Staff, notice: Notice) -> str:
    """The notice in the staff member's words; who holds the conversation is read here,
    for the staff member's own company only."""
    text = words(staff.language)[NOTICES[notice.key]]
    handoff = session.get(Handoff, notice.handoff_id) if notice.handoff_id else None
    if notice.key == "taken" and handoff is not None and handoff.company_id == staff.company_id:
        holder = session.get(StaffUser, handoff.claimed_by) if handoff.claimed_by else None
        return f"{text} {holder.name}" if holder else text
    return text


@router.get("/", response_class=HTMLResponse)
async def queue_page(
    request: Request,
    staff: QueueReader,
    work: UnitOfWorkDep,
    message: Flash,
    language: str | None = None,
    partial: bool = False,
) -> Response:
    rows = await work.run(queue_rows, staff, language)
    again = await work.run(wrote_again, staff)
    supervising = staff.role in CAN_REASSIGN
    colleagues = await work.run(colleagues_with_workload, staff) if supervising else []
    late = (
        await work.run(breaches_this_week, staff.company_id, utcnow())
        if supervising and not partial
        else None
    )
    notice = await work.run(notice_text, staff, message) if message else None
    return render(
        request,
        "queue_table.html" if partial else "queue.html",
        staff,
        rows=rows,
        colleagues=colleagues,
        late=late,
        again=again,
        language=language or "",
        now=datetime.now(timezone.utc),
        message=notice,
    )
