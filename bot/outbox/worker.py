"""The outbox: messages the tenant gets outside a webhook's own response (replies that came
late, Telegram replies, caseworkers' replies, reminders), kept in the database until the
provider accepts them.

One worker loop per gateway process. A message is claimed with a conditional UPDATE, so
several workers never send it twice; a contact's messages go out in order (a later one
waits while an earlier one is retried). Timeouts, network errors and 5xx are retried with
exponential backoff; a refusal (4xx) fails at once. Nothing is ever sent to an opted-out
SMS number."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.contacts.models import Contact
from bot.core.clock import as_utc, utcnow
from bot.core.db import rowcount
from bot.outbox.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_BACKOFF_SECONDS = 1.0
FINAL = ("sent", "failed", "cancelled")


class TemporaryFailure(Exception):
    """Worth retrying: timeout, network error, 5xx, rate limit."""


class PermanentFailure(Exception):
    """Retrying will not help: the provider refused the message."""


@dataclass(frozen=True)
class Delivery:
    """What a sender needs; the address never leaves this object for a log line."""

    outbox_id: int
    contact_id: int
    channel: str
    address: str
    body: str
    buttons: list[Any] | None


class Sender(Protocol):
    async def send(self, delivery: Delivery) -> str:
        """Send; return the provider's message id."""


def enqueue(
    session: Session, contact_id: int, channel: str, body: str, buttons: list[Any] | None = None
) -> int:
    message = OutboxMessage(contact_id=contact_id, channel=channel, body=body, buttons=buttons)
    session.add(message)
    session.flush()
    return message.id


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=FIRST_BACKOFF_SECONDS * 2 ** (attempts - 1))


class OutboxWorker:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: dict[str, Sender],
        poll_seconds: float = 1.0,
        on_sent: Callable[[str], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.on_sent = on_sent or (lambda channel: None)
        self.senders = senders
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        """Something was enqueued: look now rather than at the next poll (callable from any
        thread)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        while not self._stopping:
            try:
                sent = await self.drain_once()
            except Exception:  # a worker must survive a database hiccup; it retries
                log.exception("outbox: drain failed")
                sent = 0
            if not sent:
                self._wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    def stop(self) -> None:
        self._stopping = True
        self.wake()

    async def drain_once(self) -> int:
        """Send every message that is due now; returns how many were attempted."""
        deliveries = await run_in_threadpool(self._claim_due)
        for delivery in deliveries:
            await self._deliver(delivery)
        return len(deliveries)

    def _claim_due(self) -> list[Delivery]:
        now = utcnow()
        with self.sessions() as session:
            waiting = session.execute(
                select(OutboxMessage, Contact)
                .join(Contact, Contact.id == OutboxMessage.contact_id)
                .where(OutboxMessage.status.in_(("pending", "sending")))
                .order_by(OutboxMessage.id)
            ).all()
            claimed, blocked = [], set()
            for message, contact in waiting:
                if message.contact_id in blocked:
                    continue
                blocked.add(message.contact_id)  # its later messages wait for this one
                if message.status != "pending" or as_utc(message.next_attempt_at) > now:
                    continue
                if contact.opted_out and message.channel == "sms":
                    message.status, message.last_error = "cancelled", "opted out"
                    continue
                taken = rowcount(
                    session.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id == message.id, OutboxMessage.status == "pending")
                        .values(status="sending", attempts=OutboxMessage.attempts + 1)
                    )
                )
                if taken:
                    claimed.append(
                        Delivery(
                            message.id,
                            contact.id,
                            message.channel,
                            contact.address,
                            message.body,
                            message.buttons,
                        )
                    )
            session.commit()
        return claimed

    async def _deliver(self, delivery: Delivery) -> None:
        sender = self.senders.get(delivery.channel)
        try:
            if sender is None:
                raise PermanentFailure(f"no sender for channel {delivery.channel}")
            provider_id = await sender.send(delivery)
        except TemporaryFailure as error:
            await run_in_threadpool(self._retry_later, delivery.outbox_id, str(error))
        except PermanentFailure as error:
            await run_in_threadpool(self._finish, delivery.outbox_id, "failed", None, str(error))
        else:
            await run_in_threadpool(self._finish, delivery.outbox_id, "sent", provider_id, None)
            self.on_sent(delivery.channel)

    def _retry_later(self, outbox_id: int, error: str) -> None:
        with self.sessions() as session:
            message = session.get_one(OutboxMessage, outbox_id)
            message.last_error = error[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
            else:
                message.status = "pending"
                message.next_attempt_at = utcnow() + backoff(message.attempts)
            log.warning(
                "outbox %s: attempt %s failed, %s", outbox_id, message.attempts, message.status
            )
            session.commit()

    def _finish(
        self, outbox_id: int, status: str, provider_id: str | None, error: str | None
    ) -> None:
        with self.sessions() as session:
            message = session.get_one(OutboxMessage, outbox_id)
            message.status, message.provider_id = status, provider_id
            message.last_error = error[:500] if error else None
            session.commit()
        if status == "failed":
            log.warning("outbox %s: failed for good", outbox_id)


def depth(session: Session) -> int:
    """Messages waiting to go out (for the metrics)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status.in_(("pending", "sending")))
        )
        or 0
    )


def record_delivery_status(session: Session, provider_id: str, status: str) -> bool:
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    if message is None:
        return False
    message.delivery_status = status
    return True
