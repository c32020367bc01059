"""Rasa's RabbitMQ event broker with an expiry on every event (endpoints.production.yml:
`type: bot.nlu.expiring_event_broker.ExpiringPikaEventBroker`).

Events carry the tenants' message texts. The signals' consumer reads and acknowledges
them within seconds; when it is down, they wait in the queue, on RabbitMQ's disk. Each
event is published with a time to live (`message_ttl_days`, no longer than the bot
retention, RETENTION_BOT_DAYS, 30 days): RabbitMQ drops what waits longer. A per-message
TTL, because Rasa declares the queue itself, without arguments (a queue TTL argument would
clash with that declaration), and policies live outside the application."""

from __future__ import annotations

from asyncio import AbstractEventLoop
from datetime import timedelta
from typing import Any

import aio_pika
from rasa.core.brokers.pika import PikaEventBroker

DEFAULT_TTL_DAYS = 30


class ExpiringPikaEventBroker(PikaEventBroker):
    def __init__(
        self,
        host: str,
        username: str,
        password: str,
        *,
        message_ttl_days: float | str = DEFAULT_TTL_DAYS,
        event_loop: AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(host, username, password, event_loop=event_loop, **kwargs)
        self.message_ttl = timedelta(days=float(message_ttl_days))
        if self.message_ttl <= timedelta(0):
            raise ValueError("message_ttl_days must be positive")

    def _message(self, event: dict[str, Any], headers: dict[str, str] | None) -> aio_pika.Message:
        message = super()._message(event, headers)
        message.expiration = self.message_ttl.total_seconds()  # aio-pika sends it in ms
        return message
