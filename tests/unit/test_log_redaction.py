"""Rasa's structured logs never carry what a tenant wrote: Rasa 3.6 logs the message text
when the gateway gives up on a turn (`rest.message.received.timeout`)."""

import json
import logging

import structlog
from rasa.utils.log_utils import configure_structlog

import bot.nlu  # noqa: F401  (applies the redaction, as when Rasa loads our components)
from bot.nlu import log_redaction


def test_a_timed_out_message_is_logged_without_its_text(caplog, monkeypatch):
    monkeypatch.setenv("FORCE_JSON_LOGGING", "1")
    configure_structlog(logging.INFO)  # what `rasa run` does before it loads the model
    logger = structlog.get_logger("rasa.core.channels.rest")
    logger.error("rest.message.received.timeout", text="je me cache chez ma voisine à Jette")
    log_redaction.apply()  # a logger made before the redaction is covered too
    logger.error("rest.message.received.timeout", text="à Anderlecht", attempts=2)
    lines = [json.loads(record.getMessage()) for record in caplog.records]
    assert lines[-1]["event"] == "rest.message.received.timeout"
    assert lines[-1]["text"] == log_redaction.REDACTED and lines[-1]["attempts"] == 2
    assert "Anderlecht" not in json.dumps(lines[-1])


def test_applying_twice_redacts_once():
    log_redaction.apply()
    log_redaction.apply()
    assert structlog.get_config()["processors"].count(log_redaction.redact) == 1
