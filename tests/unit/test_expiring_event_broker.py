"""Rasa's events wait in RabbitMQ no longer than the bot retention: every event the broker of
endpoints.production.yml publishes carries an expiry, and the real RabbitMQ (127.0.0.1)
drops an event nobody read in time."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import aio_pika
import pytest
import yaml

from bot.nlu.expiring_event_broker import ExpiringPikaEventBroker

ENDPOINTS = Path(__file__).resolve().parents[2] / "endpoints.production.yml"


def test_the_production_endpoints_use_it_with_the_bot_retention() -> None:
    broker = yaml.safe_load(ENDPOINTS.read_text())["event_broker"]
    assert broker["type"] == "bot.nlu.expiring_event_broker.ExpiringPikaEventBroker"
    assert 0 < float(broker["message_ttl_days"]) <= 30  # RETENTION_BOT_DAYS' default


def test_every_event_carries_its_expiry() -> None:
    loop = asyncio.new_event_loop()
    broker = ExpiringPikaEventBroker("127.0.0.1", "guest", "guest", queues=["q"], event_loop=loop)
    loop.close()
    message = broker._message({"event": "user", "text": "bonjour"}, None)
    assert message.properties.expiration == str(30 * 24 * 3600 * 1000)  # ms


def test_rabbitmq_drops_an_event_nobody_read_in_time() -> None:
    queue = f"rasa_events_ttl_test_{uuid.uuid4().hex[:8]}"

    async def scenario() -> int:
        # a tenth of a second's life, for the test
        broker = ExpiringPikaEventBroker(
            "127.0.0.1", "guest", "guest", queues=[queue], message_ttl_days=0.1 / 86400
        )
        await broker.connect()
        broker.publish({"event": "user", "text": "une histoire"})
        await asyncio.sleep(1.5)
        await broker.close()
        connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1/")
        async with connection:
            channel = await connection.channel()
            declared = await channel.declare_queue(queue, durable=True, passive=True)
            waiting = declared.declaration_result.message_count
            await channel.queue_delete(queue)
            return waiting

    try:
        waiting = asyncio.run(scenario())
    except aio_pika.exceptions.AMQPConnectionError:
        pytest.fail("RabbitMQ does not answer on 127.0.0.1:5672: run `make services`")
    assert waiting == 0
