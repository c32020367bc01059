"""One unit of work per request: every piece of database work a request does runs on one
session, in a thread beside the event loop, and the request ends with one commit, or one
rollback of everything.

No database transaction is held while the request waits on something else (Rasa, a
provider): the action server calls the gateway's internal API during a Rasa turn, and a
transaction held across the turn would make it wait for the lock the turn is waiting for.
`outside()` checks that rule: it refuses when the session has written anything not yet
committed, and ends the read-only transaction (so its snapshot and connection are free)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


class WritesPending(RuntimeError):
    """Work that wrote must be committed before the request waits on anything else."""


class UnitOfWork:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._session: Session | None = None
        self._wrote = False
        self._after_commit: list[Callable[[], None]] = []
        self.commits = 0
        self.handed_over = False

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """`work(session, *args)` in a thread, in this unit's transaction (not committed)."""
        return await run_in_threadpool(self._run, work, *args)

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
        return await awaitable

    def after_commit(self, then: Callable[[], None]) -> None:
        """Run `then()` once this unit's writes are committed (never if they are not):
        for what must see them, like pausing Rasa for a handoff just opened."""
        self._after_commit.append(then)

    async def commit(self) -> None:
        if self._session is not None and self._wrote:
            await run_in_threadpool(self._session.commit)
            self.commits += 1
        self._wrote = False
        waiting, self._after_commit = self._after_commit, []
        for then in waiting:
            then()

    async def rollback(self) -> None:
        if self._session is not None:
            await run_in_threadpool(self._session.rollback)
        self._wrote = False
        self._after_commit = []

    async def close(self) -> None:
        if self._session is not None:
            await run_in_threadpool(self._session.close)
            self._session = None


def _has_written(session: Session) -> bool:
    """True once this transaction flushed an insert, update or delete."""
    return bool(session.info.get("flushed_writes"))
