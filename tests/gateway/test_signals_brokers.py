"""The consumer against both of Rasa's brokers: the SQL event broker's table (development)
and a real RabbitMQ queue (production), with at-least-once delivery: events acknowledged or
deleted only once their turn's row is committed, read again after a failure, counted once."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable

import pika
import pytest
from sqlalchemy.exc import OperationalError

from bot.signals.recorder import Recorder
from bot.signals.sources import consume_rabbitmq, consume_sql
from tests.gateway.signals_fixtures import rasa_events, rows

# Rasa 3.6's SQLEventBroker.SQLBrokerEvent (rasa/core/brokers/sql.py)
RASA_BROKER_TABLE = (
    "CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255), data TEXT, PRIMARY KEY (id))"
)
RABBITMQ = pika.ConnectionParameters(
    "127.0.0.1", 5672, credentials=pika.PlainCredentials("guest", "guest"), connection_attempts=1
)


def wait_for(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


class FailingOnce(Recorder):
    """The database fails at the first row (as when PostgreSQL restarts)."""

    failed = False

    def record(self, done):  # noqa: ANN001, ANN201
        if done.signal is not None and not self.failed:
            self.failed = True
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return super().record(done)


def publish(path, events) -> None:
    with sqlite3.connect(path) as connection:
        rows = [(event["sender_id"], json.dumps(event)) for event in events]
        connection.executemany("INSERT INTO events (sender_id, data) VALUES (?, ?)", rows)


def remaining(path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM events").fetchone()[0]


def test_sql_broker_rows_become_signals_and_are_deleted(sessions, tmp_path):
    broker = tmp_path / "rasa-events.db"
    with sqlite3.connect(broker) as connection:
        connection.execute(RASA_BROKER_TABLE)
    publish(broker, rasa_events())
    consume_sql(f"sqlite:///{broker}", Recorder(sessions), threading.Event(), until_empty=True)
    assert len(rows(sessions)) == 8
    assert remaining(broker) == 0  # message texts do not stay in the broker's table


def test_sql_broker_waits_for_rasa_and_survives_a_database_failure(sessions, tmp_path, caplog):
    broker, stop = tmp_path / "rasa-events.db", threading.Event()
    recorder = FailingOnce(sessions)
    consumer = threading.Thread(
        target=consume_sql,
        args=(f"sqlite:///{broker}", recorder, stop),
        kwargs={"poll_seconds": 0.1},
    )
    consumer.start()
    try:
        time.sleep(0.5)  # Rasa has not created its table yet
        with sqlite3.connect(broker) as connection:
            connection.execute(RASA_BROKER_TABLE)
        events = rasa_events()
        publish(broker, events)
        wait_for(lambda: len(rows(sessions)) == 8 and remaining(broker) == 0)
    finally:
        stop.set()
        consumer.join(10)
    assert recorder.failed
    assert len(rows(sessions)) == 8  # the failed turn read again, and nothing twice
    logged = caplog.text
    assert "capture-" not in logged and "Schaerbeek" not in logged and "OperationalError" in logged


@pytest.fixture
def queue() -> str:
    name = f"test_signals_{uuid.uuid4().hex[:8]}"
    yield name
    connection = pika.BlockingConnection(RABBITMQ)
    connection.channel().queue_delete(name)
    connection.close()


def queue_depth(name: str) -> int:
    connection = pika.BlockingConnection(RABBITMQ)
    try:
        declared = connection.channel().queue_declare(name, durable=True, passive=True)
        return declared.method.message_count
    finally:
        connection.close()


def test_rabbitmq_events_become_signals_after_a_database_failure(sessions, queue, caplog):
    connection = pika.BlockingConnection(RABBITMQ)
    channel = connection.channel()
    channel.queue_declare(queue, durable=True)  # as Rasa's PikaEventBroker declares it
    for event in rasa_events():
        channel.basic_publish(
            "", queue, json.dumps(event).encode(), pika.BasicProperties(delivery_mode=2)
        )
    connection.close()
    stop, recorder = threading.Event(), FailingOnce(sessions)
    consumer = threading.Thread(target=consume_rabbitmq, args=(RABBITMQ, queue, recorder, stop))
    consumer.start()
    try:
        wait_for(lambda: len(rows(sessions)) == 8 and queue_depth(queue) == 0)
        time.sleep(1.5)  # nothing more comes
    finally:
        stop.set()
        consumer.join(15)
    assert not consumer.is_alive()
    assert recorder.failed
    assert len(rows(sessions)) == 8
    assert queue_depth(queue) == 0  # every event acknowledged: the queue keeps no text
    assert "capture-" not in caplog.text and "Schaerbeek" not in caplog.text
