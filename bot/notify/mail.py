"""Composing and sending staff e-mails over SMTP (the standard library's smtplib).

Sending is synchronous: the watcher runs its whole pass in a thread (asyncio.to_thread),
so the event loop never waits for the mail server. Logs name staff ids, never addresses."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.core.settings import Settings

log = logging.getLogger(__name__)

# A mail server that does not answer must not hold the pass (and its notices) for long.
SMTP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Mail:
    staff_id: int  # for the logs: they name who, never the address
    to: str
    subject: str
    body: str


def compose(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies back, please
    message.set_content(mail.body)
    return message


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        user: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def send_all(self, mails: list[Mail]) -> list[int]:
        """Sends `mails` over one connection; the staff ids whose address the server
        refused (a wrong address must not hold back the others' e-mails). A connection,
        login or server failure raises (OSError, smtplib.SMTPException): nothing can be
        taken as sent then."""
        refused: list[int] = []
        if not mails:
            return refused
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            for mail in mails:
                try:
                    smtp.send_message(compose(mail, self.sender))
                except smtplib.SMTPRecipientsRefused:
                    log.warning("mail server refused the address of staff %s", mail.staff_id)
                    refused.append(mail.staff_id)
        return refused


def mailer_from(settings: Settings) -> SmtpMailer | None:
    """The mailer the settings describe; None when no SMTP_HOST is set (e-mails off)."""
    if not settings.smtp_host:
        return None
    return SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_from,
        settings.smtp_user,
        settings.smtp_password.get_secret_value(),
        settings.smtp_starttls,
    )
