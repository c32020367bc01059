"""One unit of work per request: every piece of database work a request does runs on one
session, in a thread beside the event loop, and the request ends with one commit, or one
rollback of everything.

No database transaction is held while the request waits on something else (Rasa, a
provider): the action server calls the gateway's internal API during a Rasa turn, and a
transaction held across the turn would make it wait for the lock the turn is waiting for.
`outside()` checks that rule: it refuses when the session has written anything not yet
committed, and ends the read-only transaction (so its snapshot and connection are free).

Units of work open transactions only as many at a time as the database can serve
(bot/core/db.py, `transaction_slots`): the others wait on the event loop, not in a
thread. Otherwise, under load, every worker thread could be blocked waiting for a lock or
a connection that a unit of work holds while it waits for a thread to finish with it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.core.db import transaction_slots

T = TypeVar("T")


class WritesPending(RuntimeError):
    """Work that wrote must be committed before the request waits on anything else."""


class DatabaseBusy(RuntimeError):
    """No transaction slot came free in time (as SQLite's own busy timeout): the request is
    refused whole, retryable (503), rather than left waiting."""


SLOT_WAIT_SECONDS = 30.0  # as SQLite's busy_timeout (bot/core/db.py)


class UnitOfWork:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._session: Session | None = None
        self._wrote = False
        self._after_commit: list[Callable[[], None]] = []
        self._slot = False  # holds one of the database's transaction slots
        self.commits = 0
        self.handed_over = False

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """`work(session, *args)` in a thread, in this unit's transaction (not committed)."""
        if not self._slot:
            try:
                await asyncio.wait_for(
                    transaction_slots(self._sessions).acquire(), SLOT_WAIT_SECONDS
                )
            except asyncio.TimeoutError as error:
                raise DatabaseBusy("no database transaction came free in time") from error
            self._slot = True
        try:
            return await run_in_threadpool(self._run, work, *args)
        except BaseException:
            if self._session is None or not self._session.in_transaction():
                self._free_slot()
            raise

    def _free_slot(self) -> None:
        """The transaction ended: another unit of work may open one."""
        if self._slot:
            self._slot = False
            transaction_slots(self._sessions).release()

    def _run(self, work: Callable[..., T], *args: Any) -> T:
        if self._session is None:
            self._session = self._sessions()
        result = work(self._session, *args)
        self._session.flush()
        if self._session.in_transaction() and _has_written(self._session):
            self._wrote = True
        return result

    def hand_over(self) -> None:
        """Work that outlives its request (a slow turn) finishes this unit: the request's
        end no longer commits or closes it; whoever took it over does."""
        self.handed_over = True

    @property
    def wrote(self) -> bool:
        return self._wrote

    async def outside(self, awaitable: Awaitable[T]) -> T:
        """Await something that is not the database (a Rasa turn) with no transaction open."""
        if self._wrote:
            raise WritesPending("commit this unit of work before waiting on another service")
        if self._session is not None:
            await run_in_threadpool(self._session.rollback)  # read-only: nothing is lost
        self._free_slot()
        return await awaitable

    def after_commit(self, then: Callable[[], None]) -> None:
        """Run `then()` once this unit's writes are committed (never if they are not):
        for what must see them, like pausing Rasa for a handoff just opened."""
        self._after_commit.append(then)

    async def commit(self) -> None:
        if self._session is not None:  # a read-only one too: its slot (and lock) is freed
            await run_in_threadpool(self._session.commit)
            self.commits += self._wrote
        self._free_slot()
        self._wrote = False
        waiting, self._after_commit = self._after_commit, []
        for then in waiting:
            then()

    async def rollback(self) -> None:
        if self._session is not None:
            await run_in_threadpool(self._session.rollback)
        self._free_slot()
        self._wrote = False
        self._after_commit = []

    async def close(self) -> None:
        if self._session is not None:
            await run_in_threadpool(self._session.close)
            self._session = None
        self._free_slot()


def _has_written(session: Session) -> bool:
    """True once this transaction flushed an insert, update or delete."""
    return bool(session.info.get("flushed_writes"))
