"""Pending turns: an SMS answered with an empty 200 while its slow turn goes on is held
here until the turn's outcome (the reply in the outbox, the MessageSid recorded) is
committed. If the worker running it dies, the row's lease runs out and any worker claims
it (a conditional UPDATE on the lease: of several workers exactly one wins) and runs the
turn again. Rasa answers a message id it has already run with that turn's replies
(bot/nlu/idempotent_turns.py), and the outcome is committed only with the MessageSid's
first record, so a turn taken over is neither lost nor answered twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.contacts.models import PendingTurn
from bot.core.clock import as_utc
from bot.core.db import rowcount

BATCH = 20


@dataclass(frozen=True)
class ClaimedTurn:
    id: int
    channel: str
    external_id: str
    contact_id: int
    message: str
    attempts: int  # this claim's token: the outcome is committed only while it holds


def hold(
    session: Session,
    channel: str,
    external_id: str,
    contact_id: int,
    message: str,
    lease_until: datetime,
) -> None:
    """Keep a turn that outlives its webhook (once: a retried webhook adds nothing)."""
    try:
        with session.begin_nested():
            session.add(
                PendingTurn(
                    channel=channel,
                    external_id=external_id,
                    contact_id=contact_id,
                    message=message,
                    lease_until=lease_until,
                )
            )
    except IntegrityError:
        pass


def release(session: Session, channel: str, external_id: str) -> None:
    """The turn's outcome is committed: nothing to run again."""
    session.execute(
        delete(PendingTurn).where(
            PendingTurn.channel == channel, PendingTurn.external_id == external_id
        )
    )


def release_claimed(session: Session, claimed: ClaimedTurn) -> bool:
    """Drop the row if this claim still holds it (False: another worker took it over)."""
    return (
        rowcount(
            session.execute(
                delete(PendingTurn).where(
                    PendingTurn.id == claimed.id, PendingTurn.attempts == claimed.attempts
                )
            )
        )
        == 1
    )


def claim_expired(session: Session, now: datetime, lease_seconds: float) -> list[ClaimedTurn]:
    """The turns whose worker stopped (lease run out), now this worker's; the caller commits."""
    rows = session.execute(select(PendingTurn).order_by(PendingTurn.id)).scalars().all()
    due = [row for row in rows if as_utc(row.lease_until) <= now][:BATCH]
    lease_until = now + timedelta(seconds=lease_seconds)
    claimed: list[ClaimedTurn] = []
    for row in due:
        won = session.execute(
            update(PendingTurn)
            .where(PendingTurn.id == row.id, PendingTurn.attempts == row.attempts)
            .values(lease_until=lease_until, attempts=row.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if rowcount(won) == 1:
            claimed.append(
                ClaimedTurn(
                    row.id,
                    row.channel,
                    row.external_id,
                    row.contact_id,
                    row.message,
                    row.attempts + 1,
                )
            )
    return claimed
