"""A tenant who writes again soon after their conversation with a person was closed: the
assistant answers as usual, and the conversation is flagged to the caseworker who last
held it (their console's alerts and queue) until they open it. No text is copied: the
flag says only that, and when."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.clock import as_utc, utcnow
from bot.handoff.models import Handoff

WROTE_AGAIN_WINDOW = timedelta(hours=72)


def flag_if_recent(session: Session, contact_id: int) -> int | None:
    """Flags the contact's last closed conversation when it closed within the window and
    had a caseworker; its id, or None."""
    last = session.scalars(
        select(Handoff)
        .where(Handoff.contact_id == contact_id, Handoff.status == "closed")
        .order_by(Handoff.closed_at.desc())
        .limit(1)
    ).first()
    if last is None or last.claimed_by is None or last.closed_at is None:
        return None
    if as_utc(last.closed_at) + WROTE_AGAIN_WINDOW < utcnow():
        return None
    session.execute(
        update(Handoff)
        .where(Handoff.id == last.id)
        .values(wrote_again_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return last.id


def seen(session: Session, handoff_id: int, staff_id: int) -> None:
    """The last caseworker opened the conversation: the flag is down."""
    session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.claimed_by == staff_id)
        .where(Handoff.wrote_again_at.is_not(None))
        .values(wrote_again_at=None)
        .execution_options(synchronize_session=False)
    )
