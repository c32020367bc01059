"""Where Rasa's events come from: its Pika broker's RabbitMQ queue (production) or its SQL
broker's `events` table (development, SQLite). Each event is acknowledged (or its row
deleted) only after its turn's row is committed: at least once, and a turn delivered again
is counted once (Recorder). A lost broker or database: forget the open turns, wait,
reconnect, read again what was not acknowledged. Logs say what failed, never what was said."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pika
import pika.exceptions
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.signals.assembler import Done, TurnAssembler
from bot.signals.recorder import Recorder

log = logging.getLogger(__name__)

RETRY_SECONDS = (1, 2, 5, 10, 30)
# Touched on every pass of a consumer's loop: docker-compose.yml's health check reads its age.
HEARTBEAT = os.environ.get("SIGNALS_HEARTBEAT_FILE")


def beat() -> None:
    if HEARTBEAT:
        Path(HEARTBEAT).touch()


def parse(body: bytes | str) -> dict[str, Any] | None:
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return event if isinstance(event, dict) else None


def settle(recorder: Recorder, items: Iterable[Done], ack: Callable[[list[Any]], None]) -> int:
    """Record each finished turn, then acknowledge its events; the rows written."""
    written = 0
    for done in items:
        written += recorder.record(done)
        ack(done.handles)
    return written


def _wait(stop: threading.Event, attempt: int, error: Exception) -> None:
    delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
    log.warning("signals: %s, trying again in %d s", type(error).__name__, delay)
    stop.wait(delay)


def consume_rabbitmq(
    parameters: pika.ConnectionParameters,
    queue: str,
    recorder: Recorder,
    stop: threading.Event,
    prefetch: int = 2000,
) -> None:
    """Consume Rasa's queue until `stop` is set, reconnecting after a failure."""
    attempt = 0
    while not stop.is_set():
        connection = None
        try:
            connection = pika.BlockingConnection(parameters)
            attempt = _read_queue(connection.channel(), queue, recorder, stop, prefetch, attempt)
        except (pika.exceptions.AMQPError, SQLAlchemyError) as error:
            _wait(stop, attempt, error)
            attempt += 1
        finally:
            if connection is not None and connection.is_open:
                with contextlib.suppress(pika.exceptions.AMQPError):
                    connection.close()  # the events of open turns go back to the queue


def _read_queue(
    channel: Any, queue: str, recorder: Recorder, stop: threading.Event, prefetch: int, attempt: int
) -> int:
    channel.queue_declare(queue, durable=True)  # as Rasa's PikaEventBroker declares it
    channel.basic_qos(prefetch_count=prefetch)
    assembler = TurnAssembler(recorder.tokenize, max_open=prefetch // 10)

    def ack(tags: list[Any]) -> None:
        for tag in tags:
            channel.basic_ack(tag)

    log.info("signals: reading the RabbitMQ queue %s", queue)
    for method, _properties, body in channel.consume(queue, inactivity_timeout=1.0):
        if stop.is_set():
            break
        beat()
        if method is None:
            settle(recorder, assembler.expire(), ack)
            continue
        event = parse(body)
        if event is None:
            log.warning("signals: an event that is not JSON was dropped")
            ack([method.delivery_tag])
            continue
        settle(recorder, assembler.add(event, method.delivery_tag), ack)
        attempt = 0
    return attempt


def consume_sql(
    url: str,
    recorder: Recorder,
    stop: threading.Event,
    poll_seconds: float = 1.0,
    batch: int = 500,
    until_empty: bool = False,
) -> None:
    """Read Rasa's SQL event broker table (`events`: id, sender_id, data), deleting each
    turn's rows once recorded, until `stop` is set (or, with `until_empty`, until no row
    is left to read and no turn is open)."""
    engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    attempt = 0
    try:
        while not stop.is_set():
            assembler, last = TurnAssembler(recorder.tokenize), 0
            try:
                while not stop.is_set():
                    beat()
                    with engine.connect() as connection:
                        rows = connection.execute(
                            text(
                                "SELECT id, data FROM events WHERE id > :last ORDER BY id LIMIT :n"
                            ),
                            {"last": last, "n": batch},
                        ).all()
                    items: list[Done] = []
                    for row_id, data in rows:
                        last = row_id
                        event = parse(data)
                        items += assembler.add(event, row_id) if event else [Done([row_id])]
                    if not rows:
                        items += assembler.flush() if until_empty else assembler.expire()
                    settle(recorder, items, lambda ids: _delete(engine, ids))
                    attempt = 0
                    if not rows:
                        if until_empty and assembler.open_turns == 0:
                            return
                        stop.wait(poll_seconds)
            except SQLAlchemyError as error:
                _wait(stop, attempt, error)
                attempt += 1
    finally:
        engine.dispose()


def _delete(engine: Any, ids: list[Any]) -> None:
    if not ids:
        return
    with engine.begin() as connection:
        names = ", ".join(f":i{n}" for n in range(len(ids)))
        connection.execute(
            text(f"DELETE FROM events WHERE id IN ({names})"),
            {f"i{n}": row_id for n, row_id in enumerate(ids)},
        )


def run_forever(target: Callable[[threading.Event], None]) -> None:
    """Run a consumer until interrupted (Ctrl-C or SIGTERM)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        target(stop)
    except KeyboardInterrupt:
        stop.set()
