"""Rasa's ticket lock after a replica crashed holding a conversation's lock: the turn waiting
behind the dead ticket is served once that ticket expires (bot/nlu/rasa_lock_fix.py), where
stock Rasa 3.6 can leave it waiting forever."""

import asyncio
import time

import pytest
from rasa.core.lock_store import InMemoryLockStore

import bot.nlu  # noqa: F401  (applies the fix, as when Rasa loads our components)
from bot.nlu import rasa_lock_fix

LIFETIME = 0.5  # seconds; Rasa's checks come every WAIT seconds
WAIT = 0.4


async def turn_behind_a_crashed_holder(lock_method) -> float:
    """Seconds until a turn gets the lock that a crashed replica's turn held."""
    store = InMemoryLockStore()
    store.issue_ticket("conversation", LIFETIME)  # the crashed replica's ticket, never freed
    await asyncio.sleep(0.05)  # the gateway sends the turn on at once
    started = time.monotonic()
    async with lock_method(store, "conversation", LIFETIME, WAIT):
        return time.monotonic() - started


def test_the_waiting_turn_is_served_once_the_dead_ticket_expires():
    waited = asyncio.run(asyncio.wait_for(turn_behind_a_crashed_holder(rasa_lock_fix.lock), 5))
    assert LIFETIME - 0.1 < waited < LIFETIME + 2 * WAIT


def test_stock_rasa_leaves_that_turn_waiting_forever():
    """Why the fix exists: the waiter's own ticket expires while it waits."""
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(turn_behind_a_crashed_holder(rasa_lock_fix.STOCK_LOCK), 3))


def test_turns_of_one_conversation_still_run_one_at_a_time_in_order():
    async def scenario() -> list[str]:
        store, log = InMemoryLockStore(), []

        async def turn(name: str, delay: float) -> None:
            await asyncio.sleep(delay)
            async with rasa_lock_fix.lock(store, "conversation", LIFETIME * 4, 0.05):
                log.append(f"{name} starts")
                await asyncio.sleep(0.3)
                log.append(f"{name} ends")

        await asyncio.gather(turn("first", 0), turn("second", 0.05), turn("third", 0.1))
        return log

    assert asyncio.run(scenario()) == [
        "first starts",
        "first ends",
        "second starts",
        "second ends",
        "third starts",
        "third ends",
    ]
