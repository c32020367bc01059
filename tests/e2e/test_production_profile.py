"""The production profile of the Rasa side (endpoints.production.yml) against the machine's
real PostgreSQL (tracker store), Redis (lock store) and RabbitMQ (event broker): a whole
turn is stored in PostgreSQL, published to RabbitMQ, and the conversation's lock lives in
Redis while the turn runs."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid

import aio_pika
import psycopg2
import pytest
import redis
import requests

from bot.devtools.processes import ROOT, free_port, running_rasa

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


@pytest.fixture(scope="module")
def production_rasa(tmp_path_factory, gateway_url):
    database = f"rasa_tracker_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(dbname="postgres", **POSTGRES)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{database}"')
    queue = f"rasa_events_{uuid.uuid4().hex[:8]}"
    env = {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432", "POSTGRES_USER": "postgres",
           "POSTGRES_PASSWORD": "", "RASA_TRACKER_DB": database, "REDIS_HOST": "127.0.0.1",
           "REDIS_PORT": "6379", "REDIS_DB": "3", "RABBITMQ_HOST": "127.0.0.1",
           "RABBITMQ_USER": "guest", "RABBITMQ_PASSWORD": "guest",
           "RABBITMQ_QUEUE": queue}  # fmt: skip
    try:
        with running_rasa(tmp_path_factory.mktemp("production"), free_port(), gateway_url,
                          ROOT / "endpoints.production.yml", env) as url:  # fmt: skip
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
    replies = requests.post(f"{url}/webhooks/rest/webhook", timeout=60, json={
        "sender": sender, "message": "bonjour", "metadata": {"channel": "sms"}}).json()  # fmt: skip
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
    requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                  json={"sender": sender, "message": "je cherche du sport à Jette"})  # fmt: skip
    watcher.join()
    assert any(
        sender.encode() in key and key.startswith(b"tenantassistant:lock:") for key in seen
    ), seen
