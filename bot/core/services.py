"""The services container every request and background job shares, and the two ways of
running work beside the event loop: database work in a thread, and background tasks that
are kept alive until they finish."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.core.rasa_client import RasaClient
from bot.core.settings import Settings

if TYPE_CHECKING:  # annotations only: no start-up cost
    from telegram.ext import ExtBot

    from bot.core.metrics import Metrics
    from bot.core.rate_limit import SenderLimiter

T = TypeVar("T")


class Outbox(Protocol):
    """What request handlers need of the outbox worker (bot.outbox): a nudge after enqueuing."""

    def wake(self) -> None: ...


@dataclass
class Services:
    settings: Settings
    sessions: sessionmaker[Session]
    rasa: RasaClient
    outbox: Outbox
    background: set[asyncio.Task]
    telegram_bot: ExtBot | None  # None without a Telegram token
    limiter: SenderLimiter
    metrics: Metrics
    # Sends (channel, address, text) at once, not through the outbox: for the last answer
    # to a tenant whose data were just erased (nothing of them may stay, not even there).
    send_now: Callable[[str, str, str], Awaitable[None]] | None = None
    # Places a call through Twilio (to, from_, TwiML url) and returns its Sid: a
    # caseworker's callback (bot/console/callbacks.py). None: no phone line.
    place_call: Callable[[str, str, str], Awaitable[str]] | None = None


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
