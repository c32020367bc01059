"""Labels: a housing company's admins define them; whoever acts on conversations puts them
on one (the conversation page), and the search finds conversations by them. A label
belongs to one company: another company's staff neither see nor use it (403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.console.access import audit, own_handoff
from bot.console.deps import ADMINS, CAN_ACT, CSRF, Staff, require_role
from bot.console.pages import render
from bot.core.deps import UnitOfWorkDep
from bot.handoff.models import HandoffLabel, Label

router = APIRouter(prefix="/console")
Admin = Annotated[Staff, Depends(require_role(*ADMINS, refusal="only admins manage labels"))]
Labeller = Annotated[
    Staff, Depends(require_role(*CAN_ACT, refusal="this role cannot label conversations"))
]
MAX_NAME = 60


def company_labels(session: Session, staff: Staff) -> list[Label]:
    return list(
        session.scalars(
            select(Label).where(Label.company_id == staff.company_id).order_by(Label.name)
        )
    )


@router.get("/labels", response_class=HTMLResponse)
async def labels_page(request: Request, staff: Admin, work: UnitOfWorkDep) -> Response:
    labels = await work.run(company_labels, staff)
    return render(request, "labels.html", staff, labels=labels)


def add(session: Session, staff: Staff, name: str) -> None:
    exists = session.scalar(
        select(Label.id).where(Label.company_id == staff.company_id, Label.name == name)
    )
    if exists is None:  # the same name twice is one label
        session.add(Label(company_id=staff.company_id, name=name))
        audit(session, staff, "label_add")


@router.post("/labels", dependencies=[CSRF])
async def add_label(staff: Admin, work: UnitOfWorkDep, name: str = Form("")) -> Response:
    name = " ".join(name.split())[:MAX_NAME]
    if not name:
        raise HTTPException(422, "a label needs a name")
    await work.run(add, staff, name)
    return RedirectResponse("/console/labels", status_code=303)


def own_label(session: Session, staff: Staff, label_id: int) -> Label:
    label = session.get(Label, label_id)
    if label is None:
        raise HTTPException(404, "no such label")
    if label.company_id != staff.company_id:
        raise HTTPException(403, "this label belongs to another housing company")
    return label


def remove(session: Session, staff: Staff, label_id: int) -> None:
    session.delete(own_label(session, staff, label_id))
    audit(session, staff, "label_delete")


@router.post("/labels/{label_id}/delete", dependencies=[CSRF])
async def delete_label(label_id: int, staff: Admin, work: UnitOfWorkDep) -> Response:
    await work.run(remove, staff, label_id)
    return RedirectResponse("/console/labels", status_code=303)


def put_labels(session: Session, staff: Staff, handoff_id: int, label_ids: list[int]) -> None:
    """The conversation's labels become exactly `label_ids` (the company's own only)."""
    handoff = own_handoff(session, staff, handoff_id, for_update=True)
    chosen = {own_label(session, staff, label_id).id for label_id in set(label_ids)}
    session.execute(delete(HandoffLabel).where(HandoffLabel.handoff_id == handoff.id))
    session.add_all(HandoffLabel(handoff_id=handoff.id, label_id=label) for label in chosen)
    audit(session, staff, "labels", handoff.id)


@router.post("/handoffs/{handoff_id}/labels", dependencies=[CSRF])
async def label_conversation(
    handoff_id: int,
    staff: Labeller,
    work: UnitOfWorkDep,
    label: Annotated[list[int] | None, Form()] = None,
) -> Response:
    await work.run(put_labels, staff, handoff_id, label or [])
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)
