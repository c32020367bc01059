"""A load generator for the gateway's SMS webhook, loopback only and bounded in count and
time: simulated tenants each hold one conversation of scripted turns, one message at a time
(a tenant waits for the answer before typing again), signed with the twilio library as
Twilio signs them. It records every turn's latency and answer, and then checks delivery:
each tenant message got exactly one bot turn, in order, and Rasa's tracker store holds each
user message once.

With `TwilioRetries` it also behaves as Twilio does with a webhook URL's connection
overrides (`#rc=5&rp=all&rt=...&tt=15000`): a failed attempt (any 4xx or 5xx, a connection
refused or dropped, no answer within the read timeout) is sent again, the same MessageSid
with the same signature, a bounded number of times within a total time; only the last
attempt's answer counts (Twilio reads no other)."""

from __future__ import annotations

import asyncio
import itertools
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from twilio.request_validator import RequestValidator

from bot.dev_defaults import DEV_TWILIO_AUTH_TOKEN
from bot.devtools.stats import percentile

# Ten turns a tenant might send, menu digits included (the gateway maps them). Nothing here
# asks for a person or says STOP: those would end the bot's part of the conversation.
SCRIPTS = {
    "fr": [
        "bonjour",
        "1",
        "Schaerbeek",
        "2",
        "9",
        "je cherche un cours de français",
        "à Anderlecht",
        "le mercredi",
        "0",
        "merci",
    ],
    "nl": [
        "hallo",
        "1",
        "Molenbeek",
        "2",
        "9",
        "ik zoek huiswerkbegeleiding",
        "in Jette",
        "op woensdag",
        "0",
        "dank je",
    ],
}
TENANT_NUMBERS = itertools.count(1)


@dataclass(frozen=True)
class TwilioRetries:
    """Twilio's connection overrides for the webhook: `count` retries (rc, at most 5),
    policy `all` (rp: every 4xx, 5xx, connection failure and read timeout is retried),
    `read_timeout` (rt: seconds without an answer), `total_seconds` (tt: all attempts
    together, at most 15). Twilio documents no pause between attempts; `pause_seconds` is
    ours (0: at once)."""

    count: int = 5
    read_timeout: float = 15.0
    total_seconds: float = 15.0
    pause_seconds: float = 0.0

    def retryable(self, status: int) -> bool:
        return status == 0 or status >= 400  # 0: no answer (timeout, refused, dropped)


@dataclass
class Turn:
    number: str
    index: int
    sent: str
    started: float
    latency_ms: float
    status: int  # the last attempt's (0: no answer)
    replies: list[str]
    attempts: list[int] = field(default_factory=list)  # each attempt's status, retries too
    message_sid: str = ""


@dataclass
class LoadResult:
    turns: list[Turn] = field(default_factory=list)
    seconds: float = 0.0
    errors: Counter = field(default_factory=Counter)
    retries: TwilioRetries | None = None  # Twilio retried failed webhooks

    @property
    def retried(self) -> int:
        """Webhooks sent more than once."""
        return sum(1 for turn in self.turns if len(turn.attempts) > 1)

    @property
    def messages_per_second(self) -> float:
        return len(self.turns) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, share: float) -> float:
        return percentile((turn.latency_ms for turn in self.turns), share)


def twiml_messages(body: str) -> list[str]:
    return [element.text or "" for element in ElementTree.fromstring(body).iter("Message")]


async def tenant(
    session: aiohttp.ClientSession,
    gateway: str,
    public_url: str,
    number: str,
    script: list[str],
    result: LoadResult,
    deadline: float,
    auth_token: str,
    late_replies: Callable[[str], int] | None,
) -> None:
    validator = RequestValidator(auth_token)
    for index, typed in enumerate(script):
        if time.monotonic() > deadline:
            return
        params = {
            "MessageSid": f"SM{number[1:]}{index:04d}".ljust(34, "0"),
            "From": number,
            "To": "+32460000000",
            "Body": typed,
            "NumMedia": "0",
            "AccountSid": "AC" + "4" * 32,
        }
        signature = validator.compute_signature(f"{public_url}/webhooks/sms", params)
        received_before = late_replies(number) if late_replies is not None else 0
        started = time.monotonic()
        attempts: list[int] = []
        while True:
            status, body = await _attempt(session, gateway, params, signature, result, started)
            attempts.append(status)
            if not _again(result.retries, attempts, started):
                break
            await asyncio.sleep(result.retries.pause_seconds if result.retries else 0.0)
        latency = (time.monotonic() - started) * 1000
        replies = twiml_messages(body) if status == 200 else []
        result.turns.append(
            Turn(
                number,
                index,
                typed,
                started,
                latency,
                status,
                replies,
                attempts,
                params["MessageSid"],
            )
        )
        if status == 503 and result.retries is None:  # "retry later": a tenant waits a bit
            await asyncio.sleep(1.0)
        if status == 200 and not replies and late_replies is not None:
            # the answer comes by SMS later: a tenant waits for all of it before typing
            await _settled(lambda: late_replies(number), received_before, deadline)


async def _attempt(
    session: aiohttp.ClientSession,
    gateway: str,
    params: dict[str, str],
    signature: str,
    result: LoadResult,
    first_started: float,
) -> tuple[int, str]:
    """One POST of the webhook: its status (0: no answer) and body."""
    retries, timeout = result.retries, session.timeout
    if retries is not None:  # Twilio's read timeout, within the total time of all attempts
        left = retries.total_seconds - (time.monotonic() - first_started)
        timeout = aiohttp.ClientTimeout(total=max(0.1, left), sock_read=retries.read_timeout)
    try:
        headers = {"X-Twilio-Signature": signature}
        async with session.post(
            f"{gateway}/webhooks/sms", data=params, headers=headers, timeout=timeout
        ) as response:
            return response.status, await response.text()
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        result.errors[type(error).__name__] += 1
        return 0, ""


def _again(retries: TwilioRetries | None, attempts: list[int], started: float) -> bool:
    """Whether Twilio sends the webhook once more (pausing first, if it does)."""
    if retries is None or not retries.retryable(attempts[-1]) or len(attempts) > retries.count:
        return False
    return time.monotonic() + retries.pause_seconds - started < retries.total_seconds


async def _settled(
    received: Callable[[], int], before: int, deadline: float, quiet_seconds: float = 0.5
) -> None:
    """Until a late answer has come (more SMS than before) and no part of it is still
    coming (nothing new for `quiet_seconds`)."""
    while received() <= before and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    count, quiet_since = received(), time.monotonic()
    while time.monotonic() - quiet_since < quiet_seconds and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        if received() != count:
            count, quiet_since = received(), time.monotonic()


async def run_load(
    gateway: str,
    public_url: str,
    conversations: int,
    concurrency: int,
    max_seconds: float,
    turns: int = 10,
    during: Callable[[], None] | None = None,
    auth_token: str = DEV_TWILIO_AUTH_TOKEN,
    late_replies: Callable[[str], int] | None = None,
    retries: TwilioRetries | None = None,
) -> LoadResult:
    """`conversations` tenants, `concurrency` at a time, until done or `max_seconds`;
    with `retries`, each failed webhook is retried as Twilio does."""
    result = LoadResult(retries=retries)
    deadline = time.monotonic() + max_seconds
    queue: asyncio.Queue[tuple[str, list[str]]] = asyncio.Queue()
    run = next(TENANT_NUMBERS)
    for n in range(conversations):
        language = "fr" if n % 2 == 0 else "nl"
        queue.put_nowait((f"+3249{run:03d}{n:05d}", SCRIPTS[language][:turns]))

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty() and time.monotonic() < deadline:
            number, script = queue.get_nowait()
            await tenant(
                session,
                gateway,
                public_url,
                number,
                script,
                result,
                deadline,
                auth_token,
                late_replies,
            )

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        workers = [asyncio.create_task(worker(session)) for _ in range(concurrency)]
        if during is not None:  # a fault, injected while the load runs
            await asyncio.sleep(min(5.0, max_seconds / 4))
            await asyncio.get_running_loop().run_in_executor(None, during)
        await asyncio.gather(*workers)
    result.seconds = time.monotonic() - started
    return result
