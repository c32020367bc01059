"""The staff e-mail watch: every gateway process runs it (bot/notify/staff_notices.py and
bot/notify/curator_notices.py make sure one of them sends each notice). No mail server
configured: it says so once and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.orm import Session, sessionmaker

from bot.notify.curator_notices import CuratorPassReport, notify_curators
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
        assured_within_months: int,
    ) -> None:
        self.sessions, self.mailer, self.poll_seconds = sessions, mailer, poll_seconds
        self.public_url, self.escalation_minutes = public_url, escalation_minutes
        self.assured_within_months = assured_within_months  # the directory's window
        self._wake = asyncio.Event()
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def _pass(self, mailer: SmtpMailer) -> PassReport:
        return notify_due(self.sessions, mailer, self.public_url, self.escalation_minutes)

    def _curator_pass(self, mailer: SmtpMailer) -> CuratorPassReport:
        return notify_curators(self.sessions, mailer, self.public_url, self.assured_within_months)

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
            await self._curators(mailer)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def _curators(self, mailer: SmtpMailer) -> None:
        """The curators' e-mails (issue 23): their own pass, so that a failure of one
        kind of e-mail never holds the other back."""
        try:
            report = await asyncio.to_thread(self._curator_pass, mailer)
        except Exception:  # a database hiccup: next time
            log.warning("curator e-mail pass failed", exc_info=True)
            return
        if report.closed or report.expired:
            log.info(
                "curators e-mailed: closed reports %s, expired services %s",
                report.closed,
                _few(report.expired),
            )
        if report.nobody:
            log.warning("no curator to e-mail about services %s", _few(report.nobody))


def _few(ids: list[str], shown: int = 10) -> str:
    """Ids for a log line: an old directory's first pass may list thousands."""
    if len(ids) <= shown:
        return str(ids)
    return f"{ids[:shown]} and {len(ids) - shown} more"
