"""The gateway serves every request on one event loop per process. Database work runs in
threads: on the loop, a wait for SQLite's write lock (up to 30 s) would stop every request,
including the one that holds the lock, and tenants' messages would time out. This
happened with the Twilio erasure pass; the engine now refuses such work outright."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select, text

from bot.core.db import DatabaseOnEventLoop
from bot.privacy.models import TwilioErasure
from bot.privacy.twilio_erasure import erase_due

HELD_SECONDS = 1.0


def test_database_work_on_the_event_loop_is_refused(sessions):
    async def on_the_loop() -> None:
        with sessions() as session:
            session.execute(text("SELECT 1"))

    with pytest.raises(DatabaseOnEventLoop):
        asyncio.run(on_the_loop())


class AnsweringTwilio:
    """Twilio's log is clear for the number (the deletion itself is tested against the
    loopback Twilio in tests/security/test_erasure_twilio.py)."""

    async def erase(self, address: str) -> int:
        return 0


def test_the_twilio_erasure_pass_waits_for_the_lock_without_stopping_the_loop(sessions):
    with sessions() as session:
        session.add(TwilioErasure(address="+32470000123"))
        session.commit()
    database = sessions.kw["bind"].url.database
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # a tenant's message holds the write lock for a while
    threading.Timer(HELD_SECONDS, lambda: holder.execute("ROLLBACK")).start()
    ticks = 0

    async def loop_keeps_serving() -> None:
        nonlocal ticks
        end = time.monotonic() + HELD_SECONDS
        while time.monotonic() < end:
            await asyncio.sleep(0.05)
            ticks += 1

    async def both() -> int:
        cleared, _ = await asyncio.gather(
            erase_due(sessions, AnsweringTwilio()), loop_keeps_serving()
        )
        return cleared

    assert asyncio.run(both()) == 1
    assert ticks >= HELD_SECONDS / 0.05 * 0.8  # the loop turned while the pass waited
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TwilioErasure)) == 0
    holder.close()
