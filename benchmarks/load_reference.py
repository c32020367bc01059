"""The reference of `make bench-load`: what one REST turn of stock Rasa costs on its own
starter bot (`rasa init`'s "moodbot", its default pipeline and policies, trained once into
var/bench/starter-bot/ and kept), on the same stores as ours in the same run: PostgreSQL
trackers, Redis locks, RabbitMQ events (Rasa's own broker types, none of our code loaded).
Simulated users send the starter bot's intents over Rasa's REST channel, one message at a
time each, `concurrency` at a time. Reports the CPU ms per answered turn of the Rasa
process and of the services (benchmarks/load_cpu.py), its memory (benchmarks/
load_memory.py) and latency."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.load_cpu import ms_per_message, snapshot, split_rows
from benchmarks.load_memory import group_memory
from bot.devtools.processes import GATEWAY_ONLY_SECRETS, RASA, ROOT, RasaServer, free_port
from bot.devtools.stack import REDIS_LOCK_DB, databases, delete_queue
from bot.devtools.stats import percentile

STARTER = ROOT / "var" / "bench" / "starter-bot"
TRAIN_SECONDS = 1800
# Ten turns over the starter bot's intents (greet, mood_unhappy, deny, affirm, mood_great,
# bot_challenge, goodbye), as its own stories and rules answer them.
SCRIPT = [
    "hello",
    "I am sad",
    "no",
    "hi there",
    "very bad",
    "yes",
    "good morning",
    "I am great",
    "are you a bot?",
    "bye",
]
ENDPOINTS = """\
tracker_store:
  type: SQL
  dialect: postgresql
  url: 127.0.0.1
  port: 5432
  db: {tracker_database}
  username: postgres
  password: ""
lock_store:
  type: redis
  url: 127.0.0.1
  port: 6379
  db: {redis_db}
  key_prefix: starterbot
event_broker:
  type: pika
  url: 127.0.0.1
  username: guest
  password: guest
  queues:
    - {queue}
"""


def starter_environment() -> dict[str, str]:
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
    }
    return {name: value for name, value in env.items() if name not in GATEWAY_ONLY_SECRETS}


def starter_model(project: Path = STARTER) -> Path:
    """The starter bot's trained model: `rasa init --no-prompt` (scaffold and train) on the
    first run, the kept one afterwards."""
    models = sorted((project / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)  # rasa init wants the folder to exist
    subprocess.run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(project)],
        check=True,
        env=starter_environment(),
        stdout=subprocess.DEVNULL,
        timeout=TRAIN_SECONDS,
    )
    models = sorted((project / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model in {project / 'models'}")
    return models[-1]


@dataclass
class RestResult:
    latencies_ms: list[float] = field(default_factory=list)
    answered: int = 0  # turns with at least one bot message
    failed: int = 0  # errors and turns without an answer
    seconds: float = 0.0


async def user(session: aiohttp.ClientSession, url: str, sender: str, result: RestResult) -> None:
    for text in SCRIPT:
        started = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as response:
                messages = await response.json() if response.status == 200 else []
        except (aiohttp.ClientError, asyncio.TimeoutError):
            messages = []
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        if messages:
            result.answered += 1
        else:
            result.failed += 1


async def rest_load(
    url: str, conversations: int, concurrency: int, max_seconds: float
) -> RestResult:
    """`conversations` users of SCRIPT, `concurrency` at a time, until done or
    `max_seconds`."""
    result = RestResult()
    senders = [f"starter-{uuid.uuid4().hex[:8]}-{n}" for n in range(conversations)]
    deadline = time.monotonic() + max_seconds
    timeout = aiohttp.ClientTimeout(total=60)

    async def worker(session: aiohttp.ClientSession) -> None:
        while senders and time.monotonic() < deadline:
            await user(session, url, senders.pop(), result)

    started = time.monotonic()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    result.seconds = time.monotonic() - started
    return result


def measure_reference(
    workdir: Path, conversations: int, concurrency: int, max_seconds: float
) -> dict[str, Any]:
    """The starter bot under load on fresh stores: CPU ms per answered turn per group,
    memory, throughput and latency."""
    model = starter_model()
    tag = uuid.uuid4().hex[:8]
    tracker_database, queue = f"starter_tracker_{tag}", f"starter_events_{tag}"
    endpoints = workdir / "starter-endpoints.yml"
    endpoints.write_text(
        ENDPOINTS.format(tracker_database=tracker_database, redis_db=REDIS_LOCK_DB, queue=queue)
    )
    with databases(tracker_database), contextlib.ExitStack() as stack:
        stack.callback(delete_queue, queue)
        server = RasaServer(workdir, free_port(), endpoints, starter_environment(), model, STARTER)
        stack.callback(server.stop)
        server.start()
        asyncio.run(rest_load(server.url, 4, 2, 120))  # warm: models loaded, first turns
        trees = {"Rasa": [server.process.pid] if server.process else []}
        before = snapshot(trees)
        result = asyncio.run(rest_load(server.url, conversations, concurrency, max_seconds))
        after = snapshot(trees)
        memory = group_memory(trees)
    return {
        "conversations": conversations,
        "concurrency": concurrency,
        "messages": len(result.latencies_ms),
        "answered": result.answered,
        "failed": result.failed,
        "messages_per_second": round(len(result.latencies_ms) / max(result.seconds, 1e-9), 1),
        "p50_ms": round(percentile(result.latencies_ms, 0.50), 1),
        "p95_ms": round(percentile(result.latencies_ms, 0.95), 1),
        "cpu": split_rows(ms_per_message(before, after, result.answered))
        if result.answered
        else [],
        "memory": memory,
    }
