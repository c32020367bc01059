"""Canned replies: ready answers per housing company and language, managed by admins, that a
caseworker can start a reply from (the conversation page lists them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.access import audit
from bot.console.deps import ADMINS, CSRF, Staff, require_role
from bot.console.pages import render
from bot.core.deps import UnitOfWorkDep
from bot.handoff.models import CannedReply

router = APIRouter(prefix="/console")
Admin = Annotated[
    Staff, Depends(require_role(*ADMINS, refusal="only admins manage canned replies"))
]
LANGUAGES = ("fr", "nl")


def company_replies(session: Session, staff: Staff) -> list[CannedReply]:
    return list(
        session.scalars(
            select(CannedReply)
            .where(CannedReply.company_id == staff.company_id)
            .order_by(CannedReply.language, CannedReply.title)
        )
    )


@router.get("/canned", response_class=HTMLResponse)
async def canned_page(request: Request, staff: Admin, work: UnitOfWorkDep) -> Response:
    replies = await work.run(company_replies, staff)
    return render(request, "canned.html", staff, replies=replies)


def add(session: Session, staff: Staff, language: str, title: str, text: str) -> None:
    session.add(CannedReply(company_id=staff.company_id, language=language, title=title, text=text))
    audit(session, staff, "canned_add")


@router.post("/canned", dependencies=[CSRF])
async def add_canned(
    staff: Admin,
    work: UnitOfWorkDep,
    language: str = Form(...),
    title: str = Form(...),
    text: str = Form(...),
) -> Response:
    if language not in LANGUAGES or not title.strip() or not text.strip():
        raise HTTPException(422, "language fr or nl, a title and a text are needed")
    await work.run(add, staff, language, title.strip()[:100], text.strip()[:1600])
    return RedirectResponse("/console/canned", status_code=303)


def remove(session: Session, staff: Staff, reply_id: int) -> None:
    reply = session.get(CannedReply, reply_id)
    if reply is None:
        raise HTTPException(404, "no such canned reply")
    if reply.company_id != staff.company_id:
        raise HTTPException(403, "this canned reply belongs to another housing company")
    session.delete(reply)
    audit(session, staff, "canned_delete")


@router.post("/canned/{reply_id}/delete", dependencies=[CSRF])
async def delete_canned(reply_id: int, staff: Admin, work: UnitOfWorkDep) -> Response:
    await work.run(remove, staff, reply_id)
    return RedirectResponse("/console/canned", status_code=303)
