"""The console's pages and forms. Every page needs a logged-in staff member; a staff member
sees only their housing company's conversations (403 otherwise); every form that changes
something carries the session's CSRF token; what staff do is written to the audit trail."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.sms_render import split
from bot.console.i18n import reason_label, words
from bot.console.security import (
    check_csrf,
    csrf_token,
    password_matches,
    session_staff_id,
    start_session,
)
from bot.contacts.models import Contact
from bot.core.clock import as_utc
from bot.core.services import Services, in_background, in_session
from bot.handoff import store
from bot.handoff.models import CannedReply, Handoff, HandoffEntry, StaffUser
from bot.handoff.rasa_pause import resume_rasa
from bot.outbox.models import OutboxMessage
from bot.outbox.worker import enqueue
from bot.sms_rules import measure, to_gsm7
from bot.texts import text as tenant_text

router = APIRouter(prefix="/console")
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CAN_ACT = ("caseworker", "supervisor", "admin")
# Who sees conversations: a coordinator sees only the anonymous signals (bot/console/signals.py).
CAN_READ = ("caseworker", "supervisor", "admin", "auditor")
EVERY_ROLE = (*CAN_READ, "coordinator")
CAN_REASSIGN = ("supervisor", "admin")


@dataclass(frozen=True)
class Staff:
    id: int
    name: str
    role: str
    company_id: str
    language: str


def _services(request: Request) -> Services:
    return request.app.state.services


def _render(request: Request, template: str, staff: Staff | None, **context: Any) -> Response:
    language = staff.language if staff else request.query_params.get("lang", "fr")
    return templates.TemplateResponse(
        request,
        template,
        {
            "w": words(language),
            "lang": language,
            "staff": staff,
            "csrf": csrf_token(request),
            "reason": lambda code: reason_label(code, language),
            **context,
        },
    )


async def _staff(request: Request, roles: tuple[str, ...] = CAN_READ) -> Staff:
    """The logged-in staff member, if their role may see this page (403 otherwise)."""
    services = _services(request)
    staff_id = session_staff_id(request, services.settings.console_idle_minutes)
    if staff_id is None:
        raise HTTPException(303, headers={"Location": "/console/login"})

    def load(session: Session) -> Staff | None:
        user = session.get(StaffUser, staff_id)
        if user is None or not user.active:
            return None
        return Staff(user.id, user.name, user.role, user.company_id, user.language)

    staff = await in_session(services, load)
    if staff is None:
        request.session.clear()
        raise HTTPException(303, headers={"Location": "/console/login"})
    if staff.role not in roles:
        if staff.role == "coordinator" and request.url.path == "/console/":  # their home page
            raise HTTPException(303, headers={"Location": "/console/signals"})
        raise HTTPException(403, "this role cannot see this page")
    return staff


def _own_handoff(session: Session, staff: Staff, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HTTPException(404, "no such conversation")
    if handoff.company_id != staff.company_id:
        raise HTTPException(403, "this conversation belongs to another housing company")
    return handoff


def _audit(
    session: Session,
    staff: Staff | None,
    action: str,
    handoff_id: int | None = None,
    detail: str | None = None,
) -> None:
    user = session.get(StaffUser, staff.id) if staff else None
    store.audit(session, user, action, handoff_id, detail)


# --- login --------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return _render(request, "login.html", None, failed=False)


@router.post("/login")
async def login(
    request: Request, email: str = Form(""), password: str = Form(""), csrf: str = Form("")
) -> Response:
    check_csrf(request, csrf)

    def verify(session: Session) -> int | None:
        user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
        ok = password_matches(user.password_hash if user else None, password)
        if ok and user is not None and user.active:
            store.audit(session, user, "login")
            return user.id
        store.audit(session, user, "login_failed")
        return None

    staff_id = await in_session(_services(request), verify)
    if staff_id is None:
        response = _render(request, "login.html", None, failed=True)
        response.status_code = 401
        return response
    start_session(request, staff_id)
    return RedirectResponse("/console/", status_code=303)


@router.post("/logout")
async def logout(request: Request, csrf: str = Form("")) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request, EVERY_ROLE)
    await in_session(_services(request), _audit, staff, "logout")
    request.session.clear()
    return RedirectResponse("/console/login", status_code=303)


# --- queue --------------------------------------------------------------------------


def _queue_rows(session: Session, staff: Staff, language: str | None) -> list[dict[str, Any]]:
    statement = (
        select(Handoff, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == Handoff.claimed_by)
        .where(Handoff.company_id == staff.company_id, Handoff.status.in_(("waiting", "claimed")))
        .order_by(Handoff.urgent.desc(), Handoff.opened_at)
    )
    if language in ("fr", "nl"):
        statement = statement.where(Handoff.language == language)
    return [
        {
            "id": h.id,
            "urgent": h.urgent,
            "status": h.status,
            "reason": h.reason,
            "channel": h.channel,
            "language": h.language,
            "claimed_by": name,
            "opened_at": as_utc(h.opened_at),
        }
        for h, name in session.execute(statement)
    ]


@router.get("/", response_class=HTMLResponse)
async def queue_page(
    request: Request, language: str | None = None, partial: bool = False
) -> Response:
    staff = await _staff(request)
    rows = await in_session(_services(request), _queue_rows, staff, language)
    template = "queue_table.html" if partial else "queue.html"
    return _render(
        request,
        template,
        staff,
        rows=rows,
        language=language or "",
        now=datetime.now(timezone.utc),
        message=request.query_params.get("m"),
    )


@router.post("/handoffs/{handoff_id}/claim")
async def claim(request: Request, handoff_id: int, csrf: str = Form("")) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request)
    if staff.role not in CAN_ACT:
        raise HTTPException(403, "this role cannot take conversations")

    def take(session: Session) -> str | None:
        handoff = _own_handoff(session, staff, handoff_id)
        if store.claim(session, handoff.id, staff.id):
            _audit(session, staff, "claim", handoff.id)
            return None
        session.refresh(handoff)
        holder = session.get(StaffUser, handoff.claimed_by) if handoff.claimed_by else None
        return holder.name if holder else "?"

    holder = await in_session(_services(request), take)
    if holder is not None:
        taken = words(staff.language)["taken_by"]
        return RedirectResponse(f"/console/?m={taken} {holder}", status_code=303)
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


@router.post("/handoffs/{handoff_id}/release")
async def release(request: Request, handoff_id: int, csrf: str = Form("")) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request)

    def give_back(session: Session) -> None:
        handoff = _own_handoff(session, staff, handoff_id)
        _require_holder(handoff, staff)
        store.release(session, handoff)
        _audit(session, staff, "release", handoff.id)

    await in_session(_services(request), give_back)
    return RedirectResponse("/console/", status_code=303)


@router.post("/handoffs/{handoff_id}/reassign")
async def reassign(
    request: Request, handoff_id: int, colleague: int = Form(...), csrf: str = Form("")
) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request)

    def hand_over(session: Session) -> None:
        handoff = _own_handoff(session, staff, handoff_id)
        if staff.role not in CAN_REASSIGN and handoff.claimed_by != staff.id:
            raise HTTPException(403, "only the holder or a supervisor can reassign")
        target = session.get(StaffUser, colleague)
        if target is None or target.company_id != staff.company_id or target.role not in CAN_ACT:
            raise HTTPException(422, "no such colleague")
        store.reassign(session, handoff, target.id)
        _audit(session, staff, "reassign", handoff.id, f"to staff {target.id}")

    await in_session(_services(request), hand_over)
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


def _require_holder(handoff: Handoff, staff: Staff) -> None:
    if handoff.status != "claimed" or (
        handoff.claimed_by != staff.id and staff.role not in CAN_REASSIGN
    ):
        raise HTTPException(409, "claim the conversation first")


# --- conversation -------------------------------------------------------------------


def _conversation(session: Session, staff: Staff, handoff_id: int) -> dict[str, Any]:
    handoff = _own_handoff(session, staff, handoff_id)
    contact = session.get_one(Contact, handoff.contact_id)
    entries = list(
        session.execute(
            select(
                HandoffEntry, StaffUser.name, OutboxMessage.status, OutboxMessage.delivery_status
            )
            .outerjoin(StaffUser, StaffUser.id == HandoffEntry.staff_id)
            .outerjoin(OutboxMessage, OutboxMessage.id == HandoffEntry.outbox_id)
            .where(HandoffEntry.handoff_id == handoff.id)
            .order_by(HandoffEntry.id)
        )
    )
    earlier = list(
        session.scalars(
            select(Handoff)
            .where(Handoff.contact_id == contact.id, Handoff.id != handoff.id)
            .order_by(Handoff.opened_at.desc())
        )
    )
    colleagues = list(
        session.scalars(
            select(StaffUser).where(
                StaffUser.company_id == staff.company_id,
                StaffUser.role.in_(CAN_ACT),
                StaffUser.active,
            )
        )
    )
    holder = session.get(StaffUser, handoff.claimed_by) if handoff.claimed_by else None
    canned = list(
        session.scalars(
            select(CannedReply)
            .where(
                CannedReply.company_id == staff.company_id, CannedReply.language == handoff.language
            )
            .order_by(CannedReply.title)
        )
    )
    _audit(session, staff, "view", handoff.id)
    return {
        "handoff": handoff,
        "opted_out": contact.opted_out,
        "holder": holder,
        "entries": [
            {
                "author": e.author,
                "text": e.text,
                "staff": name,
                "at": as_utc(e.created_at),
                "sent": sent,
                "delivered": delivered,
            }
            for e, name, sent, delivered in entries
        ],
        "earlier": earlier,
        "colleagues": colleagues,
        "canned": canned,
    }


@router.get("/handoffs/{handoff_id}", response_class=HTMLResponse)
async def conversation_page(request: Request, handoff_id: int) -> Response:
    staff = await _staff(request)
    services = _services(request)
    data = await in_session(services, _conversation, staff, handoff_id)
    bot_part = await _bot_transcript(services, data["handoff"].sender_id, data["handoff"].opened_at)
    return _render(request, "handoff.html", staff, bot_part=bot_part, **data)


async def _bot_transcript(
    services: Services, sender_id: str, until: datetime
) -> list[dict[str, Any]]:
    """Tenant and bot turns read from Rasa, up to the handoff (empty if Rasa is down)."""
    try:
        events = await services.rasa.events(sender_id)
    except Exception:  # the page still works without the bot's part
        return []
    limit = as_utc(until).timestamp() + 5
    return [
        {
            "author": "tenant" if event["event"] == "user" else "bot",
            "text": event.get("text") or "",
            "at": datetime.fromtimestamp(event.get("timestamp", 0), timezone.utc),
        }
        for event in events
        if event.get("event") in ("user", "bot")
        and event.get("text")
        and event.get("timestamp", 0) <= limit
    ]


@router.post("/handoffs/{handoff_id}/reply")
async def reply(
    request: Request, handoff_id: int, message: str = Form(""), csrf: str = Form("")
) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request)
    body = message.strip()[:1600]
    if not body:
        return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)
    services = _services(request)

    def send(session: Session) -> None:
        handoff = _own_handoff(session, staff, handoff_id)
        _require_holder(handoff, staff)
        contact = session.get_one(Contact, handoff.contact_id)
        if contact.opted_out and contact.channel == "sms":
            raise HTTPException(409, "the tenant sent STOP: nothing can be sent")
        if not handoff.joined_notice_sent:
            _to_tenant(session, handoff, contact, tenant_text("joined", handoff.language))
            handoff.joined_notice_sent = True
        outbox_id = _to_tenant(session, handoff, contact, body)
        store.add_entry(session, handoff.id, "caseworker", body, staff.id, outbox_id)
        _audit(session, staff, "reply", handoff.id)

    await in_session(services, send)
    services.outbox.wake()
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


def _to_tenant(session: Session, handoff: Handoff, contact: Contact, body: str) -> int:
    """Enqueue a message on the tenant's channel; the id of its (last) outbox row."""
    if contact.channel == "sms":
        ids = [enqueue(session, contact.id, "sms", part) for part in split(to_gsm7(body))]
        return ids[-1]
    return enqueue(session, contact.id, contact.channel, html.escape(body, quote=False))


@router.post("/handoffs/{handoff_id}/note")
async def note(
    request: Request, handoff_id: int, message: str = Form(""), csrf: str = Form("")
) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request)
    if staff.role not in CAN_ACT:
        raise HTTPException(403, "this role cannot write notes")

    def write(session: Session) -> None:
        handoff = _own_handoff(session, staff, handoff_id)
        if message.strip():
            store.add_entry(session, handoff.id, "note", message.strip()[:4000], staff.id)
            _audit(session, staff, "note", handoff.id)

    await in_session(_services(request), write)
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


@router.post("/handoffs/{handoff_id}/close")
async def close(
    request: Request,
    handoff_id: int,
    reason: str = Form(""),
    hand_back: bool = Form(False),
    csrf: str = Form(""),
) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request)
    services = _services(request)

    def finish(session: Session) -> str:
        handoff = _own_handoff(session, staff, handoff_id)
        _require_holder(handoff, staff)
        store.close(session, handoff, reason.strip() or "-", hand_back)
        contact = session.get_one(Contact, handoff.contact_id)
        if hand_back and not (contact.opted_out and contact.channel == "sms"):
            _to_tenant(session, handoff, contact, tenant_text("bot_back", handoff.language))
        _audit(session, staff, "close_hand_back" if hand_back else "close", handoff.id)
        return handoff.sender_id

    sender_id = await in_session(services, finish)
    in_background(services, resume_rasa(services, sender_id))  # the bot may answer again
    services.outbox.wake()
    return RedirectResponse("/console/", status_code=303)


# --- canned replies (admins) ----------------------------------------------------------


def _require_admin(staff: Staff) -> None:
    if staff.role != "admin":
        raise HTTPException(403, "only admins manage canned replies")


@router.get("/canned", response_class=HTMLResponse)
async def canned_page(request: Request) -> Response:
    staff = await _staff(request)
    _require_admin(staff)

    def load(session: Session) -> list[CannedReply]:
        return list(
            session.scalars(
                select(CannedReply)
                .where(CannedReply.company_id == staff.company_id)
                .order_by(CannedReply.language, CannedReply.title)
            )
        )

    return _render(
        request, "canned.html", staff, replies=await in_session(_services(request), load)
    )


@router.post("/canned")
async def add_canned(
    request: Request,
    language: str = Form(...),
    title: str = Form(...),
    text: str = Form(...),
    csrf: str = Form(""),
) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request)
    _require_admin(staff)
    if language not in ("fr", "nl") or not title.strip() or not text.strip():
        raise HTTPException(422, "language fr or nl, a title and a text are needed")

    def add(session: Session) -> None:
        session.add(
            CannedReply(
                company_id=staff.company_id,
                language=language,
                title=title.strip()[:100],
                text=text.strip()[:1600],
            )
        )
        _audit(session, staff, "canned_add")

    await in_session(_services(request), add)
    return RedirectResponse("/console/canned", status_code=303)


@router.post("/canned/{reply_id}/delete")
async def delete_canned(request: Request, reply_id: int, csrf: str = Form("")) -> Response:
    check_csrf(request, csrf)
    staff = await _staff(request)
    _require_admin(staff)

    def remove(session: Session) -> None:
        reply = session.get(CannedReply, reply_id)
        if reply is None or reply.company_id != staff.company_id:
            raise HTTPException(404, "no such canned reply")
        session.delete(reply)
        _audit(session, staff, "canned_delete")

    await in_session(_services(request), remove)
    return RedirectResponse("/console/canned", status_code=303)


def segments(text: str) -> dict[str, Any]:
    size = measure(to_gsm7(text))
    return {"segments": size.segments, "gsm7": size.gsm7}


@router.post("/segments")
async def count_segments(request: Request, message: str = Form("")) -> dict[str, Any]:
    """What the reply box shows under the text: SMS parts and whether it is GSM-7."""
    await _staff(request)
    return segments(message)
