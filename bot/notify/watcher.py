"""The staff e-mail watch: every gateway process runs it (bot/notify/staff_notices.py makes
sure one of them sends each notice). No mail server configured: it says so once and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.orm import Session, sessionmaker

from bot.notify.mail import SmtpMailer
from bot.notify.staff_notices import PassReport, notify_due

log = logging.getLogger(__name__)


class StaffNoticeWatcher:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        mailer: SmtpMailer | None,
        poll_seconds: float,
        *,
        public_url: str,
        escalation_minutes: int,
    ) -> None:
        self.sessions, self.mailer, self.poll_seconds = sessions, mailer, poll_seconds
        self.public_url, self.escalation_minutes = public_url, escalation_minutes
        self._wake = asyncio.Event()
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def _pass(self, mailer: SmtpMailer) -> PassReport:
        return notify_due(self.sessions, mailer, self.public_url, self.escalation_minutes)

    async def run(self) -> None:
        mailer = self.mailer
        if mailer is None:
            log.info("staff e-mails are off (no SMTP_HOST)")
            return
        log.info("staff e-mails are on")
        while not self._stopping:
            try:
                report = await asyncio.to_thread(self._pass, mailer)
            except Exception:  # a database hiccup: next time
                log.warning("staff e-mail pass failed", exc_info=True)
                report = PassReport()
            if report.notified or report.escalated:
                log.info(
                    "staff e-mailed: new handoffs %s, escalated %s",
                    report.notified,
                    report.escalated,
                )
            if report.nobody:
                log.warning("no staff to e-mail for handoffs %s", report.nobody)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
