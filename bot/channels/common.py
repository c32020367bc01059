"""What both channels do the same way: database work in a thread, one tenant message sent
to Rasa with the channel's metadata, and the contact's language kept in step with the
conversation's."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.gateway.contacts import ContactView, set_language
from bot.gateway.outbox import OutboxWorker
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.gateway.settings import Settings

if TYPE_CHECKING:  # annotations only: no import cycle, no start-up cost
    from telegram.ext import ExtBot

    from bot.channels.rate_limit import SenderLimiter
    from bot.gateway.metrics import Metrics

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    sessions: sessionmaker
    rasa: RasaClient
    outbox: OutboxWorker
    background: set[asyncio.Task]
    telegram_bot: ExtBot | None = None
    limiter: SenderLimiter | None = None
    metrics: Metrics | None = None


async def in_session(services: Services, work: Callable[..., T], *args: Any) -> T:
    """Run `work(session, *args)` in a thread, committed when it returns."""

    def run() -> T:
        with services.sessions() as session:
            result = work(session, *args)
            session.commit()
            return result

    return await run_in_threadpool(run)


def in_background(services: Services, coroutine: Any) -> None:
    task = asyncio.create_task(coroutine)
    services.background.add(task)  # keep a reference until done
    task.add_done_callback(services.background.discard)


async def ask_rasa(services: Services, contact: ContactView, text: str) -> list[dict[str, Any]]:
    """One tenant message through Rasa's REST channel; raises RasaUnavailable."""
    metadata = {"channel": contact.channel, "language_hint": contact.language,
                "site": contact.site}  # fmt: skip
    with services.metrics.rasa_latency.time():
        replies = await services.rasa.send_message(contact.pseudonym, text, metadata)
    log.info("turn: %s sent a message, %d replies", contact.pseudonym, len(replies))
    if not (text.startswith("/") or text.strip().isdigit()):  # only words change language
        in_background(services, _follow_language(services, contact))
    return replies


async def _follow_language(services: Services, contact: ContactView) -> None:
    """Store the conversation's language, so keyword answers and the next hint use it."""
    try:
        language = (await services.rasa.slots(contact.pseudonym)).get("language")
    except RasaUnavailable:
        return
    if language and language != contact.language:
        try:
            await in_session(services, set_language, contact.id, language)
        except OperationalError:  # the database is down: the next turn follows it again
            log.warning("language not stored, the database is unavailable")
