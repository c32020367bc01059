"""A caseworker calls back a tenant who asked for a person on the phone line: Twilio rings
the caseworker's own phone (StaffUser.phone, set on their account page) from the housing
company's number the tenant called, then the tenant's (bot/channels/voice_callback.py). The
tenant sees the company's number; the tenant's number is shown to nobody, the caseworker's
to nobody but them. Allowed to whoever may reply to the conversation (the same rule:
bot/console/access.py, held_handoff), and audited, placed or failed, without a number."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.access import audit, held_handoff
from bot.console.deps import CAN_ACT, CSRF, Staff, require_role
from bot.contacts import voice_calls
from bot.contacts.models import Contact, VoiceCall
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.handoff.models import StaffUser
from bot.outbox.delivery import PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console")
Caller = Annotated[
    Staff, Depends(require_role(*CAN_ACT, refusal="this role cannot call tenants back"))
]


@dataclass(frozen=True)
class CallPlan:
    staff_phone: str  # never logged nor audited
    company_number: str


def plan(session: Session, staff: Staff, handoff_id: int, line: str) -> CallPlan | None:
    """Whom to ring and from which number; None when the staff member set no phone.
    `line` is the gateway's own number, for a call whose company number is not known."""
    handoff = held_handoff(session, staff, handoff_id)
    if handoff.channel != "voice":
        raise HTTPException(409, "only a request made on the phone line is called back")
    tenant = session.get_one(Contact, handoff.contact_id)
    if voice_calls.is_hidden(tenant.address):
        raise HTTPException(409, "the caller hid their number: it cannot be called back")
    phone = session.get_one(StaffUser, staff.id).phone
    if not phone:
        return None
    called = session.scalar(
        select(VoiceCall.company_number)
        .where(VoiceCall.contact_id == handoff.contact_id, VoiceCall.company_number.is_not(None))
        .order_by(VoiceCall.created_at.desc(), VoiceCall.call_sid.desc())
        .limit(1)
    )
    return CallPlan(phone, called or line)


def _back(handoff_id: int, outcome: str) -> Response:
    """Back to the conversation, whose page says what happened: "started", "no_phone" or
    "failed" (handoff.html shows its own words for these keys, nothing from the query)."""
    return RedirectResponse(f"/console/handoffs/{handoff_id}?call={outcome}", status_code=303)


@router.post("/handoffs/{handoff_id}/callback", dependencies=[CSRF])
async def call_back(
    handoff_id: int, staff: Caller, services: ServicesDep, work: UnitOfWorkDep
) -> Response:
    settings = services.settings
    planned = await work.run(plan, staff, handoff_id, settings.twilio_number)
    if planned is None:
        return _back(handoff_id, "no_phone")
    bridge = (
        f"{settings.public_url.rstrip('/')}/webhooks/voice/callback-bridge?handoff={handoff_id}"
    )
    await work.commit()  # the conversation's lock is not held while Twilio answers
    try:
        if services.place_call is None:
            raise PermanentFailure("no phone line")
        await work.outside(services.place_call(planned.staff_phone, planned.company_number, bridge))
    except (PermanentFailure, TemporaryFailure) as error:
        log.warning("console: callback for handoff %s not placed: %s", handoff_id, error)
        await work.run(audit, staff, "callback_failed", handoff_id, str(error)[:200])
        return _back(handoff_id, "failed")
    log.info("console: callback for handoff %s placed", handoff_id)
    await work.run(audit, staff, "callback", handoff_id, "placed")
    return _back(handoff_id, "started")
