"""Twilio's copies of an erased tenant's SMS and phone calls, deleted through Twilio's REST
API: every message to or from the tenant's number in the account's log (the tenant's own,
our TwiML answers and the outbox's sends alike) and every call from or to it (the tenant's
calls to the phone line, our callbacks) is listed (`GET .../Messages.json` and
`.../Calls.json`, `?To=` and `?From=`, every page) and deleted (`DELETE
.../Messages/{Sid}.json`, `.../Calls/{Sid}.json`).

Erasure queues the number (TwilioErasure) in the transaction that erases the contact; this
worker runs the queue, so a Twilio outage delays the deletion but loses nothing. A message
Twilio is still sending, or a call still in progress (the caller asked for erasure during
it), cannot be deleted yet: the row stays and is tried again later, with a growing pause.
The row, and with it the number, goes once nothing is left at Twilio."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.core.clock import utcnow
from bot.privacy.models import TwilioErasure

T = TypeVar("T")

log = logging.getLogger(__name__)
PAGE_SIZE = 100
# Twilio's logs that hold a number: each resource with the key of its list in the JSON
LOGS = (("Messages", "messages"), ("Calls", "calls"))
MAX_PAUSE = timedelta(hours=6)


class TwilioLogEraser:
    def __init__(self, api_url: str, account_sid: str, auth_token: str) -> None:
        self.base = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}"
        self.client = httpx.AsyncClient(auth=(account_sid, auth_token), timeout=15)

    async def close(self) -> None:
        await self.client.aclose()

    async def _sids(self, resource: str, key: str, address: str) -> set[str]:
        sids: set[str] = set()
        for side in ("To", "From"):
            url: str | None = f"{self.base}/{resource}.json"
            params: dict[str, str | int] | None = {side: address, "PageSize": PAGE_SIZE}
            while url:
                answer = await self.client.get(url, params=params)
                answer.raise_for_status()
                page = answer.json()
                sids |= {entry["sid"] for entry in page.get(key, [])}
                following = page.get("next_page_uri")
                url = f"{self.base.split('/2010-04-01')[0]}{following}" if following else None
                params = None
        return sids

    async def erase(self, address: str) -> int:
        """Deletes every message and call of the number; how many. Raises on anything left
        (Twilio answers 4xx for a message still being sent or a call still in progress)."""
        deleted = 0
        for resource, key in LOGS:
            if resource == "Calls" and address.startswith("whatsapp:"):
                continue  # calls are logged by phone number, never a WhatsApp address
            sids = await self._sids(resource, key, address)
            for sid in sorted(sids):
                answer = await self.client.delete(f"{self.base}/{resource}/{sid}.json")
                if answer.status_code != 404:  # already gone is fine
                    answer.raise_for_status()
            deleted += len(sids)
        return deleted


def due(session: Session) -> list[tuple[int, str]]:
    rows = session.scalars(
        select(TwilioErasure).where(TwilioErasure.next_attempt_at <= utcnow()).limit(20)
    )
    return [(row.id, row.address) for row in rows]


def done(session: Session, erasure_id: int) -> None:
    row = session.get(TwilioErasure, erasure_id)
    if row is not None:
        session.delete(row)


def failed(session: Session, erasure_id: int, error: str) -> None:
    row = session.get(TwilioErasure, erasure_id)
    if row is not None:
        row.attempts += 1
        row.last_error = error[:200]
        row.next_attempt_at = utcnow() + min(MAX_PAUSE, timedelta(seconds=30 * 2**row.attempts))


async def erase_due(sessions: sessionmaker[Session], eraser: TwilioLogEraser) -> int:
    """One pass over the due erasures; how many numbers are now clear at Twilio. The
    database work runs in a thread: on the event loop, a wait for the write lock would
    stop every request, including the one holding the lock."""
    todo = await run_in_threadpool(_in_session, sessions, due)
    cleared = 0
    for erasure_id, address in todo:
        try:
            deleted = await eraser.erase(address)
        except httpx.HTTPError as error:
            # the error's kind and status only: its text could name the number
            status = getattr(getattr(error, "response", None), "status_code", "")
            log.warning("twilio erasure %d: %s %s", erasure_id, type(error).__name__, status)
            reason = f"{type(error).__name__} {status}"
            await run_in_threadpool(_in_session, sessions, failed, erasure_id, reason)
            continue
        await run_in_threadpool(_in_session, sessions, done, erasure_id)
        log.info("twilio erasure %d: %d messages and calls deleted at Twilio", erasure_id, deleted)
        cleared += 1
    return cleared


def _in_session(sessions: sessionmaker[Session], work: Callable[..., T], *args: Any) -> T:
    with sessions() as session:
        result = work(session, *args)
        session.commit()
        return result


class TwilioErasureWorker:
    """The queue's loop in each gateway process (idempotent: two processes deleting the
    same messages or calls at once only meet 404s)."""

    def __init__(
        self, sessions: sessionmaker[Session], eraser: TwilioLogEraser, poll_seconds: float
    ) -> None:
        self.sessions, self.eraser, self.poll_seconds = sessions, eraser, poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            try:
                await erase_due(self.sessions, self.eraser)
            except Exception:  # a database hiccup: next time
                log.warning("twilio erasure pass failed", exc_info=True)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
