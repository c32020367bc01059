"""The human part of a conversation (after the handoff): the tenant's messages, the
caseworkers' replies with how far each got, internal notes, the assistant's automatic
messages (safety lines included), and who took, gave back or passed on the conversation.
Read all at once for the page, or only what is newer than an entry for its live update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import as_utc
from bot.handoff import store
from bot.handoff.models import HandoffEntry, StaffUser
from bot.outbox.models import OutboxMessage

# author "event": who did what with the conversation; the text is "<kind> <staff id>"
EVENT = "event"
EVENT_KINDS = ("claimed", "released", "reassigned")


@dataclass(frozen=True)
class Entry:
    id: int
    author: str
    text: str
    staff: str | None  # who wrote it (a reply, a note) or did it (an event)
    at: datetime
    sent: str | None = None  # the outbox row's status for a reply: pending, sent, failed...
    delivered: str | None = None  # the provider's last delivery status
    event: str | None = None  # for author "event": one of EVENT_KINDS
    outbox_id: int | None = None


def record_event(
    session: Session, handoff_id: int, kind: str, actor_id: int, target_id: int | None = None
) -> None:
    """A line in the transcript saying who took, gave back or passed on the conversation."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"no such transcript event: {kind}")
    store.add_entry(session, handoff_id, EVENT, f"{kind} {target_id or ''}".strip(), actor_id)


def entries_of(session: Session, handoff_id: int, after: int = 0) -> list[Entry]:
    rows = session.execute(
        select(HandoffEntry, StaffUser.name, OutboxMessage.status, OutboxMessage.delivery_status)
        .outerjoin(StaffUser, StaffUser.id == HandoffEntry.staff_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == HandoffEntry.outbox_id)
        .where(HandoffEntry.handoff_id == handoff_id, HandoffEntry.id > after)
        .order_by(HandoffEntry.id)
    )
    entries = []
    for entry, name, sent, delivered in rows:
        text, event = entry.text, None
        if entry.author == EVENT:
            event, _, target = entry.text.partition(" ")
            text = _name_of(session, target)
        entries.append(
            Entry(
                entry.id,
                entry.author,
                text,
                name,
                as_utc(entry.created_at),
                sent,
                delivered,
                event,
                entry.outbox_id,
            )
        )
    return entries


def _name_of(session: Session, staff_id: str) -> str:
    user = session.get(StaffUser, int(staff_id)) if staff_id.isdigit() else None
    return user.name if user else ""
