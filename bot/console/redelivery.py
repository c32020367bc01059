"""Sending again a message that never reached the tenant (the outbox gave up on it, or the
provider reported it undelivered): one press sends it once, only to the conversation's own
tenant, never after a STOP or once the conversation is closed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.console.access import audit, open_handoff
from bot.console.deps import CAN_ACT, CSRF, Staff, require_role
from bot.contacts.models import Contact
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.outbox.store import send_again

router = APIRouter(prefix="/console")
Sender = Annotated[Staff, Depends(require_role(*CAN_ACT, refusal="this role cannot send messages"))]
STOPPED = "the tenant sent STOP: nothing can be sent"


def retry(session: Session, staff: Staff, handoff_id: int, message_id: int) -> bool:
    """True when the message is due again; False when it was already (a second press)."""
    handoff = open_handoff(session, staff, handoff_id)
    contact = session.get_one(Contact, handoff.contact_id)
    if contact.stopped:
        raise HTTPException(409, STOPPED)
    again = send_again(session, message_id, contact.id)
    if again:
        audit(session, staff, "send_again", handoff.id)
    return again


@router.post("/handoffs/{handoff_id}/undelivered/{message_id}/retry", dependencies=[CSRF])
async def send_undelivered_again(
    handoff_id: int, message_id: int, staff: Sender, services: ServicesDep, work: UnitOfWorkDep
) -> Response:
    if await work.run(retry, staff, handoff_id, message_id):
        await work.commit()  # the outbox worker must find the row it is woken for
        services.outbox.wake()
    return RedirectResponse(f"/console/handoffs/{handoff_id}?retried=1", status_code=303)
