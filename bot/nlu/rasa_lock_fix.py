"""A fix to Rasa 3.6's ticket lock: a turn waiting for a conversation's lock keeps its place.

Every ticket expires `lock_lifetime` seconds after it was issued, and Rasa's wait loop never
renews the waiter's own ticket. When the ticket ahead belongs to a replica that crashed, it
expires a moment before the waiter's; if the waiter's next check (once a second) comes after
both have expired, the queue is empty, `now_serving` reads 0, and the waiter waits forever.
The production fault test hit this in about one run in three: the turn the gateway sent on
to the surviving replica right after the crash hung until the gateway gave up. Here the
waiter renews its ticket at every check, so it is served once the dead ticket expires."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rasa.core import lock_store
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, LockStore

STOCK_LOCK = LockStore.lock


def renew_ticket(store: LockStore, conversation_id: str, number: int, lifetime: float) -> None:
    """Our ticket expires `lifetime` from now, back in its place if it had expired."""
    lock = store.get_lock(conversation_id)
    if lock is None:
        return
    lock.remove_expired_tickets()
    expires = time.time() + lifetime
    others = [ticket for ticket in lock.tickets if ticket.number != number]
    lock.tickets = deque(sorted([*others, Ticket(number, expires)], key=lambda t: t.number))
    store.save_lock(lock)


async def acquire(
    store: LockStore, conversation_id: str, ticket: int, lifetime: float, wait_seconds: float
) -> TicketLock:
    """Rasa's `_acquire_lock`, renewing the waiting ticket instead of only dropping expired
    ones."""
    while True:
        lock = store.get_lock(conversation_id)
        if not lock:  # deleted: as in Rasa, the turn fails rather than run unguarded
            raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
        if not lock.is_locked(ticket):
            return lock
        await asyncio.sleep(wait_seconds)
        renew_ticket(store, conversation_id, ticket, lifetime)


@asynccontextmanager
async def lock(
    self: LockStore,
    conversation_id: str,
    lock_lifetime: float | None = None,
    wait_time_in_seconds: float = 1,
) -> AsyncIterator[TicketLock]:
    lifetime = lock_store.LOCK_LIFETIME if lock_lifetime is None else lock_lifetime
    ticket = self.issue_ticket(conversation_id, lifetime)
    try:
        yield await acquire(self, conversation_id, ticket, lifetime, wait_time_in_seconds)
    finally:
        self.cleanup(conversation_id, ticket)


def apply() -> None:
    LockStore.lock = lock
