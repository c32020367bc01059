"""The production profile of the Rasa side (endpoints.production.yml) against the machine's
real PostgreSQL (tracker store), Redis (lock store) and RabbitMQ (event broker): a whole
turn is stored in PostgreSQL, published to RabbitMQ, and the conversation's lock lives in
Redis while the turn runs; the signals' consumer empties that queue into anonymous rows."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import threading
import time
import uuid

import aio_pika
import psycopg2
import pytest
import redis
import requests

from bot.dev_defaults import DEV_ACTION_SERVER_TOKEN
from bot.devtools.processes import GATEWAY_PYTHON, ROOT, free_port, running_rasa, stop_process

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


@pytest.fixture(scope="module")
def production_rasa(tmp_path_factory, gateway_url):
    database = f"rasa_tracker_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(dbname="postgres", **POSTGRES)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{database}"')
    queue = f"rasa_events_{uuid.uuid4().hex[:8]}"
    env = {
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
        "RASA_TRACKER_DB": database,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "3",
        "REDIS_PASSWORD": "",  # the machine's Redis has none
        "RABBITMQ_HOST": "127.0.0.1",
        "RABBITMQ_USER": "guest",
        "RABBITMQ_PASSWORD": "guest",
        "RABBITMQ_QUEUE": queue,
        "ACTION_SERVER_TOKEN": DEV_ACTION_SERVER_TOKEN,  # what the action server expects
    }
    try:
        with running_rasa(
            tmp_path_factory.mktemp("production"),
            free_port(),
            gateway_url,
            ROOT / "endpoints.production.yml",
            env,
        ) as url:
            yield url, database, queue
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


async def published(queue: str) -> list[dict]:
    connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1/")
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True)
        events = []
        while (message := await declared.get(fail=False)) is not None:
            events.append(json.loads(message.body))
            await message.ack()
        return events


def test_a_turn_is_stored_in_postgresql_and_published_to_rabbitmq(production_rasa):
    url, database, queue = production_rasa
    sender = f"prod-{uuid.uuid4().hex[:8]}"
    replies = requests.post(
        f"{url}/webhooks/rest/webhook",
        timeout=60,
        json={"sender": sender, "message": "bonjour", "metadata": {"channel": "sms"}},
    ).json()
    assert "assistant automatique" in replies[0]["text"]

    connection = psycopg2.connect(dbname=database, **POSTGRES)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT type_name FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        stored = [row[0] for row in cursor.fetchall()]
    connection.close()
    assert "user" in stored and stored.count("bot") >= 2

    events = asyncio.run(published(queue))
    mine = [event for event in events if event.get("sender_id") == sender]
    assert [e["event"] for e in mine if e["event"] in ("user", "bot")][:2] == ["user", "bot"]


def test_the_lock_store_is_redis(production_rasa):
    url, _, _ = production_rasa
    client = redis.Redis(host="127.0.0.1", port=6379, db=3)
    client.flushdb()
    sender = f"prod-{uuid.uuid4().hex[:8]}"
    seen: set[bytes] = set()

    def watch() -> None:
        for _ in range(400):
            seen.update(client.keys("*"))

    watcher = threading.Thread(target=watch)
    watcher.start()
    requests.post(
        f"{url}/webhooks/rest/webhook",
        timeout=60,
        json={"sender": sender, "message": "je cherche du sport à Jette"},
    )
    watcher.join()
    assert any(
        sender.encode() in key and key.startswith(b"tenantassistant:lock:") for key in seen
    ), seen


def test_the_signals_consumer_empties_the_event_queue_into_anonymous_rows(
    production_rasa, tmp_path
):
    url, _, queue = production_rasa
    asyncio.run(published(queue))  # only this test's turn from here on
    signals_db, log = tmp_path / "signals.db", tmp_path / "signals.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{signals_db}",
        "SIGNALS_SOURCE": "rabbitmq",
        "RABBITMQ_HOST": "127.0.0.1",
        "RABBITMQ_USER": "guest",
        "RABBITMQ_PASSWORD": "guest",
        "RABBITMQ_QUEUE": queue,
    }
    migrate = [str(GATEWAY_PYTHON), "-m", "bot.gateway", "migrate"]  # the consumer refuses a
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True)  # missing schema
    command = [str(GATEWAY_PYTHON), "-m", "bot.signals", "consume"]
    consumer = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    sender = f"prod-{uuid.uuid4().hex[:8]}"
    rows: list[tuple] = []
    try:
        requests.post(
            f"{url}/webhooks/rest/webhook",
            timeout=60,
            json={
                "sender": sender,
                "message": "je cherche du sport à Jette",
                "metadata": {"channel": "sms"},
            },
        )
        deadline = time.monotonic() + 60
        while not rows and time.monotonic() < deadline:
            time.sleep(0.5)
            if signals_db.exists():
                with sqlite3.connect(signals_db) as connection:
                    try:
                        rows = connection.execute("SELECT * FROM signal_event").fetchall()
                    except sqlite3.OperationalError:  # the consumer is still migrating
                        rows = []
    finally:
        stop_process(consumer)
    with sqlite3.connect(signals_db) as connection:
        connection.row_factory = sqlite3.Row
        found = [dict(row) for row in connection.execute("SELECT * FROM signal_event")]
    assert [
        (r["topic"], r["language"], r["channel"], r["commune"], r["understood"]) for r in found
    ] == [("find_activity", "fr", "sms", "jette", 1)]
    assert sender not in repr(found) + log.read_text()
    assert asyncio.run(published(queue)) == []  # every event was acknowledged: none kept
