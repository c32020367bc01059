"""Requests nobody took in time (issue 21). A housing company sets how long a request may
wait in the queue (`unclaimed_limit_hours`). Past it, the tenant is told the truth once,
with the company's number to call, and the request stays in the queue marked overdue:
the console's queue shows it to supervisors first, and an audit event records it.

Every gateway process runs the watch; a conditional UPDATE makes one of them the one that
marks a request, so the tenant gets the message once."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import as_utc, utcnow
from bot.core.db import rowcount
from bot.handoff import store
from bot.handoff.models import Handoff, HousingCompany
from bot.outbox.store import enqueue
from bot.texts import text

log = logging.getLogger(__name__)


def tenant_notice(company: HousingCompany, language: str) -> str:
    phone = company.phone or text("company_phone_unknown", language)
    return text("unclaimed_too_long", language, phone=phone)


def mark_overdue(session: Session) -> list[int]:
    """Marks the waiting requests past their company's limit; the ids marked now."""
    now = utcnow()
    rows = session.execute(
        select(Handoff, HousingCompany)
        .join(HousingCompany, HousingCompany.id == Handoff.company_id)
        .where(
            Handoff.status == "waiting",
            Handoff.overdue_at.is_(None),
            HousingCompany.unclaimed_limit_hours.is_not(None),
        )
    ).all()
    marked = []
    for handoff, company in rows:
        limit = timedelta(hours=company.unclaimed_limit_hours or 0)
        if as_utc(handoff.opened_at) + limit > now:
            continue
        won = rowcount(
            session.execute(
                update(Handoff)
                .where(Handoff.id == handoff.id, Handoff.overdue_at.is_(None))
                .values(overdue_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        if not won:  # another process marked it
            continue
        body = tenant_notice(company, handoff.language)
        if handoff.channel == "telegram":
            body = html.escape(body, quote=False)
        enqueue(session, handoff.contact_id, handoff.channel, body)
        store.add_entry(session, handoff.id, "system", body)
        store.audit(session, None, "overdue", handoff.id)
        marked.append(handoff.id)
    return marked


class OverdueWatcher:
    def __init__(
        self, sessions: sessionmaker[Session], wake_outbox: Callable[[], None], poll_seconds: float
    ) -> None:
        self.sessions, self.wake_outbox, self.poll_seconds = sessions, wake_outbox, poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def _pass(self) -> list[int]:
        with self.sessions() as session:
            marked = mark_overdue(session)
            session.commit()
        return marked

    async def run(self) -> None:
        while not self._stopping:
            try:
                marked = await asyncio.to_thread(self._pass)
            except Exception:  # a database hiccup: next time
                log.warning("overdue pass failed", exc_info=True)
                marked = []
            if marked:
                log.warning("handoffs overdue (nobody took them in time): %s", marked)
                self.wake_outbox()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
