"""What the holder of a conversation writes: replies to the tenant (on the tenant's channel,
through the outbox, the first one after a notice that a person joined), internal notes that
are never sent, the SMS counter under the reply box, and the closing (handing the tenant
back to the bot, or not; Rasa is resumed either way, retried until it acknowledges). A
closed conversation is answered or closed no more (409, bot/console/access.py)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.console.access import audit, held_handoff, not_moved, own_handoff
from bot.console.deps import CAN_ACT, CAN_READ, CSRF, Staff, require_role
from bot.console.errors import KeptText
from bot.contacts.models import Contact
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.core.services import in_background
from bot.handoff import satisfaction, store
from bot.handoff.rasa_pause import resume_rasa
from bot.outbox.rendering import bodies_for
from bot.outbox.store import enqueue
from bot.sms_rules import measure, to_gsm7
from bot.texts import text as tenant_text

router = APIRouter(prefix="/console")
Replier = Annotated[
    Staff, Depends(require_role(*CAN_ACT, refusal="this role cannot answer or close conversations"))
]
NoteWriter = Annotated[
    Staff, Depends(require_role(*CAN_ACT, refusal="this role cannot write notes"))
]
MAX_REPLY = 1600
MAX_NOTE = 4000


async def kept_on_refusal(step: Awaitable[None], text: str, handoff_id: int) -> None:
    """Runs `step`; a refusal (the conversation passed to a colleague, closed, STOP) comes
    back as a page that shows the staff member's text, so nothing they typed is lost."""
    try:
        await step
    except HTTPException as refusal:
        raise KeptText(refusal, text, f"/console/handoffs/{handoff_id}") from None


def to_tenant(session: Session, contact: Contact, body: str) -> int:
    """Enqueue a message on the tenant's channel; the id of its (last) outbox row."""
    ids = [
        enqueue(session, contact.id, contact.channel, part)
        for part in bodies_for(contact.channel, body)
    ]
    return ids[-1]


def _stopped(contact: Contact) -> bool:
    """The tenant sent STOP: nothing may be sent to their number."""
    return contact.stopped


def send(session: Session, staff: Staff, handoff_id: int, body: str) -> None:
    handoff = held_handoff(session, staff, handoff_id)
    contact = session.get_one(Contact, handoff.contact_id)
    if _stopped(contact):
        raise HTTPException(409, "the tenant sent STOP: nothing can be sent")
    if not handoff.joined_notice_sent:
        to_tenant(session, contact, tenant_text("joined", handoff.language))
        handoff.joined_notice_sent = True
    outbox_id = to_tenant(session, contact, body)
    store.add_entry(session, handoff.id, "caseworker", body, staff.id, outbox_id)
    audit(session, staff, "reply", handoff.id)


@router.post("/handoffs/{handoff_id}/reply", dependencies=[CSRF])
async def reply(
    handoff_id: int,
    staff: Replier,
    services: ServicesDep,
    work: UnitOfWorkDep,
    message: str = Form(""),
) -> Response:
    body = message.strip()[:MAX_REPLY]
    if body:
        await kept_on_refusal(work.run(send, staff, handoff_id, body), body, handoff_id)
        await work.commit()  # the outbox worker must find the rows it is woken for
        services.outbox.wake()
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


def write_note(session: Session, staff: Staff, handoff_id: int, text: str) -> None:
    handoff = own_handoff(session, staff, handoff_id)
    if text:
        store.add_entry(session, handoff.id, "note", text, staff.id)
        audit(session, staff, "note", handoff.id)


@router.post("/handoffs/{handoff_id}/note", dependencies=[CSRF])
async def note(
    handoff_id: int, staff: NoteWriter, work: UnitOfWorkDep, message: str = Form("")
) -> Response:
    text = message.strip()[:MAX_NOTE]
    await kept_on_refusal(work.run(write_note, staff, handoff_id, text), text, handoff_id)
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


def finish(session: Session, staff: Staff, handoff_id: int, reason: str, hand_back: bool) -> str:
    """Close the conversation (telling the tenant the bot is back, with `hand_back`); the
    tenant's Rasa sender id."""
    handoff = held_handoff(session, staff, handoff_id)
    if not store.close(session, handoff, reason, hand_back):
        raise not_moved()
    contact = session.get_one(Contact, handoff.contact_id)
    if hand_back and not _stopped(contact):
        back = tenant_text("bot_back", handoff.language)
        to_tenant(session, contact, satisfaction.ask(session, handoff, contact, back))  # + question
    audit(session, staff, "close_hand_back" if hand_back else "close", handoff.id)
    return handoff.sender_id


@router.post("/handoffs/{handoff_id}/close", dependencies=[CSRF])
async def close(
    handoff_id: int,
    staff: Replier,
    services: ServicesDep,
    work: UnitOfWorkDep,
    reason: str = Form(""),
    hand_back: bool = Form(False),
) -> Response:
    sender_id = await work.run(finish, staff, handoff_id, reason.strip() or "-", hand_back)
    await work.commit()  # closed before Rasa resumes and before the outbox is woken
    in_background(services, resume_rasa(services, sender_id))  # the bot may answer again
    services.outbox.wake()
    return RedirectResponse("/console/", status_code=303)


def segments(text: str) -> dict[str, Any]:
    size = measure(to_gsm7(text))
    return {"segments": size.segments, "gsm7": size.gsm7}


@router.post("/segments", dependencies=[Depends(require_role(*CAN_READ))])
async def count_segments(message: str = Form("")) -> dict[str, Any]:
    """What the reply box shows under the text: SMS parts and whether it is GSM-7."""
    return segments(message)
