"""Many requests at once never wedge the gateway's worker threads (bot/core/db.py,
`transaction_slots`). A unit of work holds its transaction between two pieces of database
work while it waits, on the event loop, for a thread; if every thread were meanwhile
blocked waiting for the lock (SQLite's single writer) or a connection that transaction
holds, nothing would move until the database's 30-second timeout failed them all: 50
concurrent SMS webhooks did exactly that (`make bench-channels` at 50). The slots make the
others wait on the event loop instead."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from bot.contacts.models import Contact
from bot.core.db import make_engine, make_session_factory, transaction_slots
from bot.core.unit_of_work import UnitOfWork
from bot.gateway.migrate import upgrade_to_head

TENANTS = 120  # three times the thread pool's 40 threads


def _register(session, number: int) -> None:  # noqa: ANN001
    session.add(Contact(channel="sms", address=f"+3247{number:07d}", pseudonym=f"sms-{number}"))


def _count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Contact)) or 0


async def _one_request(sessions, number: int) -> None:  # noqa: ANN001
    work = UnitOfWork(sessions)
    try:
        await work.run(_count)  # the transaction is open from here (SQLite: the write lock)
        await asyncio.sleep(0)  # back to the event loop, as a request does between steps
        await work.run(_register, number)
        await work.commit()
    finally:
        await work.close()


def _all_finish(url: str) -> int:
    upgrade_to_head(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)

    async def all_requests() -> None:
        # far under the 30-second timeouts (SQLite's busy timeout, the pool's checkout),
        # which every request waited out before
        await asyncio.wait_for(
            asyncio.gather(*(_one_request(sessions, n) for n in range(TENANTS))), 20
        )

    try:
        asyncio.run(all_requests())
        with sessions() as session:
            return _count(session)
    finally:
        engine.dispose()


def test_many_concurrent_units_of_work_on_sqlite_all_finish_quickly(tmp_path: Path):
    assert _all_finish(f"sqlite:///{tmp_path / 'gateway.db'}") == TENANTS  # every write


def test_many_concurrent_units_of_work_on_postgresql_all_finish_quickly(postgres_url):
    assert _all_finish(postgres_url) == TENANTS


def test_the_slots_are_what_the_database_can_serve(tmp_path, postgres_url):
    sqlite = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'one.db'}"))
    postgres = make_session_factory(make_engine(postgres_url))
    try:
        assert transaction_slots(sqlite)._value == 1  # one writer at a time
        # the pool's 5 connections and 10 overflow, less 3 kept for the background workers
        assert transaction_slots(postgres)._value == 12
    finally:
        sqlite.kw["bind"].dispose()
        postgres.kw["bind"].dispose()
