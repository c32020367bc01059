"""The production profile on this machine, for the load benchmark and the fault tests:
Rasa replicas with PostgreSQL trackers, Redis locks and RabbitMQ events
(endpoints.production.yml), one action server, and the gateway on PostgreSQL with several
workers and Redis rate-limit counts, in front of a loopback Twilio. Each stack gets its own
databases, Redis database and queue, dropped afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import psycopg2
import redis

from bot.devtools.gateway_process import GatewayProcess, running_gateway_process
from bot.devtools.processes import (
    ROOT,
    ActionServer,
    RasaServer,
    free_port,
    rasa_env,
    running_actions,
)

POSTGRES: dict[str, Any] = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
PUBLIC_URL = "https://assistant.example.org"
# The production profile refuses weak or shared secrets: fresh random ones for each run.
PSEUDONYM_KEY = secrets.token_hex(32)
INTERNAL_API_TOKEN = secrets.token_hex(32)
RASA_TOKEN = secrets.token_hex(32)
ACTION_SERVER_TOKEN = secrets.token_hex(32)
TWILIO_TOKEN = "stack-twilio-token-not-a-real-one"
REDIS_LOCK_DB, REDIS_LIMITS_DB = 3, 4


@dataclass
class Stack:
    gateway: str
    replicas: list[RasaServer]
    actions: ActionServer
    gateway_database: str
    tracker_database: str
    queue: str
    workdir: Path  # every process's log is here
    gateway_process: GatewayProcess  # its workers, for the fault tests

    def tracker_connection(self) -> psycopg2.extensions.connection:
        return psycopg2.connect(dbname=self.tracker_database, **POSTGRES)


@contextlib.contextmanager
def databases(*names: str) -> Iterator[None]:
    admin = psycopg2.connect(dbname="postgres", **POSTGRES)
    admin.autocommit = True
    try:
        for name in names:
            admin.cursor().execute(f'CREATE DATABASE "{name}"')
        yield
    finally:
        for name in names:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def rasa_production_env(tracker_database: str, queue: str) -> dict[str, str]:
    """The ${...} of endpoints.production.yml."""
    return {
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
        "RASA_TRACKER_DB": tracker_database,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": str(REDIS_LOCK_DB),
        "REDIS_PASSWORD": "",  # the machine's Redis has none (docker-compose.yml's has one)
        "RABBITMQ_HOST": "127.0.0.1",
        "RABBITMQ_USER": "guest",
        "RABBITMQ_PASSWORD": "guest",
        "RABBITMQ_QUEUE": queue,
        "INTERNAL_API_TOKEN": INTERNAL_API_TOKEN,
        "RASA_TOKEN": RASA_TOKEN,
        "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN,
        "PROFILE": "production",
        "TICKET_LOCK_LIFETIME": "15",
    }  # as docker-compose.yml


def production_gateway_env(
    rasa_url: str,
    twilio_url: str,
    database_url: str,
    tracker_url: str,
    workers: int = 2,
) -> dict[str, str]:
    """The gateway's environment in the production profile (as docker-compose.yml): for the
    stack's own gateway, and for a test's second gateway on another database."""
    return {
        "PROFILE": "production",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TELEGRAM_BOT_TOKEN": "123456:stack-telegram-token-not-a-real-one",
        "TELEGRAM_SECRET_TOKEN": secrets.token_urlsafe(32),
        "CONSOLE_SECRET": secrets.token_hex(32),
        "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",  # nothing there: no Telegram in these runs
        "DATABASE_URL": database_url,
        "RASA_URL": rasa_url,
        "GATEWAY_WORKERS": str(workers),
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "INTERNAL_API_TOKEN": INTERNAL_API_TOKEN,
        "RASA_TOKEN": RASA_TOKEN,
        "RATE_LIMIT_STORAGE": f"redis://127.0.0.1:6379/{REDIS_LIMITS_DB}",
        "RASA_TRACKER_STORE_URL": tracker_url,
        "TWILIO_API_URL": twilio_url,
        "PUBLIC_URL": PUBLIC_URL,
        "RASA_TIMEOUT_SECONDS": "60",
        "SIGNALS_SOURCE": "rabbitmq",  # as docker-compose.yml: no SQL event table to purge
        # the SAMPLE directory's dates are fixed: searched on a day they cover
        "DIRECTORY_CLOCK": "2026-11-26T12:00:00+01:00",
    }


@contextlib.contextmanager
def production_stack(
    workdir: Path,
    twilio_url: str,
    replicas: int = 2,
    gateway_workers: int = 2,
    gateway_env: dict[str, str] | None = None,
    rasa_extra_env: dict[str, str] | None = None,  # the Rasa replicas' only
) -> Iterator[Stack]:
    tag = uuid.uuid4().hex[:8]
    gateway_db, tracker_db, queue = f"gateway_{tag}", f"rasa_tracker_{tag}", f"rasa_events_{tag}"
    ports = [free_port() for _ in range(replicas)]
    for db in (REDIS_LOCK_DB, REDIS_LIMITS_DB):
        redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
    env = production_gateway_env(
        ",".join(f"http://127.0.0.1:{port}" for port in ports),
        twilio_url,
        f"postgresql+psycopg://postgres@127.0.0.1:5432/{gateway_db}",
        f"postgresql+psycopg://postgres@127.0.0.1:5432/{tracker_db}",
        gateway_workers,
    )
    env.update(gateway_env or {})
    with contextlib.ExitStack() as stack:
        stack.enter_context(databases(gateway_db, tracker_db))
        process = stack.enter_context(running_gateway_process(workdir, env["RASA_URL"], env))
        gateway = process.url
        rasa_settings = rasa_production_env(tracker_db, queue)
        actions = stack.enter_context(running_actions(workdir, gateway, rasa_settings))
        endpoints, env_of_rasa = (
            ROOT / "endpoints.production.yml",
            rasa_env(gateway, actions.url, {**rasa_settings, **(rasa_extra_env or {})}),
        )
        servers = [RasaServer(workdir, port, endpoints, env_of_rasa) for port in ports]
        for server in servers:
            stack.callback(server.stop)
            server.start()
        stack.callback(delete_queue, queue)
        yield Stack(gateway, servers, actions, gateway_db, tracker_db, queue, workdir, process)


def delete_queue(queue: str) -> None:
    """The run's event queue holds every event of the run: not kept on the broker."""

    async def delete() -> None:
        connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1/")
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(queue)

    with contextlib.suppress(Exception):
        asyncio.run(delete())
