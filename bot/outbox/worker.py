"""The outbox: messages the tenant gets outside a webhook's own response (replies that came
late, Telegram replies, caseworkers' replies, reminders), kept in the database until the
provider accepts them or the outbox gives up on them.

One worker loop per gateway process, any number of processes. A message is claimed with a
conditional UPDATE (on its status and attempt count), so of several workers exactly one
wins it; the claim is a lease (`lease_until`). A worker that dies mid-send (killed, a
database error while recording the outcome) leaves the row `sending`; once the lease has
run out any worker claims it again, so nothing stays stuck. A send is abandoned (as a
temporary failure) well before its lease ends, so a live worker never loses a lease it is
still using.

A contact's messages go out in order: only a contact's earliest waiting message (pending,
retrying or sending) can be claimed; its later ones wait. A failed, sent or cancelled
message no longer holds the others up. Rows are read without FOR UPDATE SKIP LOCKED on
purpose: skipping a row another worker has locked would hide a contact's earliest message
and let its next one jump ahead; the conditional UPDATE decides the race instead.

Every outcome of a send ends in a row state: timeouts, network errors, 5xx and any
exception a sender did not translate are retried with exponential backoff, up to
MAX_ATTEMPTS, then fail; a refusal (4xx, a malformed address) fails at once. A worker that
dies MAX_ATTEMPTS times on the same message fails it too. Nothing is ever sent to an
opted-out SMS number. Logs name messages by id only: no address, no text."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.core.clock import utcnow
from bot.core.db import rowcount
from bot.outbox.claims import claim_due
from bot.outbox.delivery import (
    Delivery,
    Outcome,
    PermanentFailure,
    Recalling,
    Sender,
    TemporaryFailure,
)
from bot.outbox.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_BACKOFF_SECONDS = 1.0
LEASE_SECONDS = 120.0
SEND_DEADLINE_SECONDS = 45.0  # a send still running then counts as a temporary failure
BATCH = 50  # messages claimed at once (each to another contact), sent concurrently
FINISH_TRIES = (0.1, 0.5, 2.0)  # pauses between tries to record an outcome


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=FIRST_BACKOFF_SECONDS * 2 ** (attempts - 1))


class OutboxWorker:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: dict[str, Sender],
        poll_seconds: float = 1.0,
        on_sent: Callable[[str], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        lease_seconds: float = LEASE_SECONDS,
        send_deadline_seconds: float | None = None,
    ) -> None:
        self.sessions = sessions
        self.on_sent = on_sent or (lambda channel: None)
        self.on_failed = on_failed or (lambda channel: None)
        self.senders = senders
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self.send_deadline_seconds = (
            send_deadline_seconds
            if send_deadline_seconds is not None
            else min(SEND_DEADLINE_SECONDS, lease_seconds / 2)
        )
        self._unrecorded: list[Outcome] = []  # outcomes the database refused to take
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
        """Send every message that is due now (a contact's earliest only); returns how many
        were attempted."""
        if self._unrecorded:
            await run_in_threadpool(self._record_pending_outcomes)
        deliveries = await run_in_threadpool(self._claim_due)
        await asyncio.gather(*(self._deliver(delivery) for delivery in deliveries))
        return len(deliveries)

    def _claim_due(self) -> list[Delivery]:
        with self.sessions() as session:
            claimed, failed = claim_due(session, utcnow(), self.lease_seconds, BATCH, MAX_ATTEMPTS)
            session.commit()
        for channel in failed:
            self.on_failed(channel)
        return claimed

    async def _deliver(self, delivery: Delivery) -> None:
        """One attempt; whatever the sender does, its outcome is recorded (or, if the
        database will not take it, kept to record later; the lease covers the meantime)."""
        sender = self.senders.get(delivery.channel)
        try:
            if sender is None:
                raise PermanentFailure(f"no sender for channel {delivery.channel}")
            provider_id = await asyncio.wait_for(
                self._send_once(sender, delivery), self.send_deadline_seconds
            )
        except TemporaryFailure as error:
            outcome = Outcome(delivery, "retry", error=str(error))
        except PermanentFailure as error:
            outcome = Outcome(delivery, "failed", error=str(error))
        except asyncio.TimeoutError:
            outcome = Outcome(
                delivery, "retry", error=f"no answer within {self.send_deadline_seconds:g} s"
            )
        except Exception as error:  # a sender's bug or an error it did not translate
            # the type only: an exception's text may quote the address
            log.warning("outbox %s: the sender raised %s", delivery.outbox_id, type(error).__name__)
            outcome = Outcome(delivery, "retry", error=f"unexpected {type(error).__name__}")
        else:
            outcome = Outcome(delivery, "sent", provider_id=provider_id)
            self.on_sent(delivery.channel)
        await self._record(outcome)

    async def _send_once(self, sender: Sender, delivery: Delivery) -> str:
        """Send, unless the provider already holds the message from an attempt whose worker
        stopped mid-send (then that message's id: it is not sent twice)."""
        if delivery.resumed_since is not None and isinstance(sender, Recalling):
            found = await sender.find_sent(delivery, delivery.resumed_since)
            if found is not None:
                log.warning(
                    "outbox %s: already accepted before its worker stopped", delivery.outbox_id
                )
                return found
        return await sender.send(delivery)

    async def _record(self, outcome: Outcome) -> None:
        for pause in (*FINISH_TRIES, None):
            try:
                await run_in_threadpool(self._finish_outcome, outcome)
                return
            except SQLAlchemyError:
                log.warning(
                    "outbox %s: recording %s failed (database)",
                    outcome.delivery.outbox_id,
                    outcome.status,
                )
                if pause is None:
                    break
                await asyncio.sleep(pause)
        # kept for the next drain; until then the row stays `sending` under its lease,
        # after which any worker takes it over
        self._unrecorded.append(outcome)

    def _record_pending_outcomes(self) -> None:
        pending, self._unrecorded = self._unrecorded, []
        for index, outcome in enumerate(pending):
            try:
                self._finish_outcome(outcome)
            except SQLAlchemyError:
                self._unrecorded.extend(pending[index:])
                raise

    def _finish_outcome(self, outcome: Outcome) -> None:
        """Write an attempt's outcome, if the row is still this attempt's claim."""
        delivery, now = outcome.delivery, utcnow()
        error = outcome.error[:500] if outcome.error else None
        status = outcome.status
        if status == "retry" and delivery.attempt >= MAX_ATTEMPTS:
            status = "failed"
        values: dict[str, Any] = {"status": status, "lease_until": None, "last_error": error}
        if status == "sent":
            values["provider_id"] = outcome.provider_id
        elif status == "retry":
            values["status"] = "pending"
            values["next_attempt_at"] = now + backoff(delivery.attempt)
        else:
            values["failed_at"] = now
        with self.sessions() as session:
            done = rowcount(
                session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == delivery.outbox_id,
                        OutboxMessage.status == "sending",
                        OutboxMessage.attempts == delivery.attempt,
                    )
                    .values(**values)
                )
            )
            session.commit()
        if not done:  # taken over after its lease ran out, or erased meanwhile
            log.warning(
                "outbox %s: attempt %s outlived its claim, outcome %s not recorded",
                delivery.outbox_id,
                delivery.attempt,
                outcome.status,
            )
        elif status == "retry":
            log.warning(
                "outbox %s: attempt %s failed, retrying", delivery.outbox_id, delivery.attempt
            )
        elif status == "failed":
            log.warning("outbox %s: failed for good", delivery.outbox_id)
            self.on_failed(delivery.channel)
