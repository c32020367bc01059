"""A conversation's page: the bot's part read from Rasa up to the handoff, then the human
part (tenant, caseworkers, internal notes, delivery of each reply), the messages to the
tenant that the outbox gave up on (they never reached the tenant), earlier handoffs of the
same tenant with the same housing company, and the forms of whoever holds it. Opening it is
in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.access import audit, own_handoff
from bot.console.closed_places import shown_places
from bot.console.colleagues import colleagues_with_workload
from bot.console.deps import CAN_READ, Staff, require_role
from bot.console.labels import company_labels
from bot.console.pages import render
from bot.console.summary_words import summary_in_words
from bot.console.transcript import bot_transcript
from bot.console.transcript_entries import entries_of
from bot.contacts import voice_calls
from bot.contacts.models import Contact
from bot.core.clock import as_utc
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.handoff import after_close
from bot.handoff.models import CannedReply, Handoff, HandoffLabel, StaffUser
from bot.outbox.models import OutboxMessage
from bot.outbox.refusals import reason_of_error
from bot.outbox.whatsapp_window import window_closes

router = APIRouter(prefix="/console")
Reader = Annotated[Staff, Depends(require_role(*CAN_READ))]


@dataclass(frozen=True)
class HandoffShown:
    """A handoff as the page shows it (plain values: the page is drawn after the commit)."""

    id: int
    status: str
    urgent: bool
    reason: str
    language: str
    channel: str
    summary: dict[str, Any]
    sender_id: str
    opened_at: datetime
    overdue: bool = False  # nobody took it within the company's limit
    closed_at: datetime | None = None
    close_reason: str | None = None

    @classmethod
    def of(cls, handoff: Handoff) -> HandoffShown:
        return cls(
            handoff.id,
            handoff.status,
            handoff.urgent,
            handoff.reason,
            handoff.language,
            handoff.channel,
            dict(handoff.summary or {}),
            handoff.sender_id,
            as_utc(handoff.opened_at),
            handoff.overdue_at is not None,
            as_utc(handoff.closed_at) if handoff.closed_at else None,
            handoff.close_reason,
        )


@dataclass(frozen=True)
class Colleague:
    id: int
    name: str


@dataclass(frozen=True)
class Undelivered:
    """A message to the tenant that never reached them (the outbox gave up on it)."""

    id: int  # the outbox row, for "send again"
    text: str
    channel: str
    written_at: datetime
    failed_at: datetime | None
    reason: str | None = None  # why, when the provider said (bot/outbox/refusals.py)


@dataclass(frozen=True)
class Canned:
    title: str
    text: str


def conversation(session: Session, staff: Staff, handoff_id: int) -> dict[str, Any]:
    """The page's human part, read in the request's unit of work (and audited)."""
    handoff = own_handoff(session, staff, handoff_id)
    contact = session.get_one(Contact, handoff.contact_id)
    earlier = session.scalars(
        select(Handoff)
        .where(
            Handoff.contact_id == contact.id,
            Handoff.id != handoff.id,
            # a tenant may have asked another housing company too: not this staff's to see
            Handoff.company_id == staff.company_id,
        )
        .order_by(Handoff.opened_at.desc())
    )
    holder = session.get(StaffUser, handoff.claimed_by) if handoff.claimed_by else None
    canned = session.scalars(
        select(CannedReply)
        .where(CannedReply.company_id == staff.company_id, CannedReply.language == handoff.language)
        .order_by(CannedReply.title)
    )
    audit(session, staff, "view", handoff.id)
    after_close.seen(session, handoff.id, staff.id)
    return {
        "labels": company_labels(session, staff),
        "chosen_labels": set(
            session.scalars(
                select(HandoffLabel.label_id).where(HandoffLabel.handoff_id == handoff.id)
            )
        ),
        "handoff": HandoffShown.of(handoff),
        "stopped": contact.stopped,
        "number_hidden": voice_calls.is_hidden(contact.address),  # no callback possible
        "holder": Colleague(holder.id, holder.name) if holder else None,
        "entries": entries_of(session, handoff.id),
        "summary": summary_in_words(handoff.summary or {}, staff.language),
        "undelivered": undelivered_of(session, contact.id),
        "window": whatsapp_window(contact, handoff.status),
        "earlier": [HandoffShown.of(other) for other in earlier],
        "colleagues": colleagues_with_workload(session, staff),
        "canned": [Canned(c.title, c.text) for c in canned],
        "shown_places": shown_places(session, handoff, staff.language),
    }


def undelivered_of(session: Session, contact_id: int) -> list[Undelivered]:
    messages = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.contact_id == contact_id, OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id)
    )
    return [
        Undelivered(
            m.id,
            m.body,
            m.channel,
            as_utc(m.created_at),
            as_utc(m.failed_at) if m.failed_at else None,
            reason_of_error(m.last_error),
        )
        for m in messages
    ]


def whatsapp_window(contact: Contact, status: str) -> dict[str, Any] | None:
    """A WhatsApp conversation's 24-hour window: when it closes (None: not WhatsApp, or
    closed conversations, where nothing is written any more)."""
    if contact.channel != "whatsapp" or status == "closed":
        return None
    closes = window_closes(contact.last_seen_at)
    return {"closes": closes, "open": closes is not None and closes > datetime.now(timezone.utc)}


@router.get("/handoffs/{handoff_id}", response_class=HTMLResponse)
async def conversation_page(
    request: Request, handoff_id: int, staff: Reader, services: ServicesDep, work: UnitOfWorkDep
) -> Response:
    data = await work.run(conversation, staff, handoff_id)
    await work.commit()  # the "view" audit: written before the page waits on Rasa
    handoff: HandoffShown = data["handoff"]
    bot_part = await work.outside(
        bot_transcript(services.rasa, handoff.sender_id, handoff.opened_at, handoff.language)
    )
    window = data["window"]
    if window is not None:  # the reply can go as a template after 24 hours, if configured
        window["template"] = services.settings.whatsapp_template("waiting", handoff.language)
    return render(request, "handoff.html", staff, bot_part=bot_part, **data)


def newer_entries(session: Session, staff: Staff, handoff_id: int, after: int) -> dict[str, Any]:
    """What the page's live update appends: the entries after `after` (not audited: the
    page's opening was)."""
    handoff = own_handoff(session, staff, handoff_id)
    contact = session.get_one(Contact, handoff.contact_id)
    return {
        "handoff": HandoffShown.of(handoff),
        "entries": entries_of(session, handoff.id, after),
        "undelivered": undelivered_of(session, contact.id),
        "stopped": contact.stopped,
    }


@router.get("/handoffs/{handoff_id}/entries", response_class=HTMLResponse)
async def live_entries(
    request: Request, handoff_id: int, staff: Reader, work: UnitOfWorkDep, after: int = 0
) -> Response:
    """The entries written since the page was drawn, as HTML to append (`partial`: the
    page's polling, which does not keep an idle session alive)."""
    data = await work.run(newer_entries, staff, handoff_id, after)
    return render(request, "transcript_entries.html", staff, **data)
