"""Fixtures shared by the unit and end-to-end tests: the real gateway (its own virtual
environment) serving the sample directory, pointed at the Rasa port the end-to-end tests
will use, and at loopback servers that stand in for Twilio's and Telegram's APIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.devtools.gateway_process import running_gateway
from bot.devtools.loopback import FakeTelegram, FakeTwilio
from bot.devtools.processes import free_port

PUBLIC_URL = "https://assistant.example.org"
SAMPLE_DAY = "2026-11-26T12:00:00+01:00"  # a Thursday the sample directory covers


@pytest.fixture(scope="session")
def rasa_port() -> int:
    """Chosen first: the gateway needs Rasa's address, Rasa's actions need the gateway's."""
    return free_port()


@pytest.fixture(scope="session")
def fake_twilio() -> FakeTwilio:
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_telegram() -> FakeTelegram:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def gateway_directory(tmp_path_factory) -> Path:
    """Where the test gateway keeps its SQLite database (gateway.db) and log."""
    return tmp_path_factory.mktemp("gateway")


@pytest.fixture(scope="session")
def rasa_directory(tmp_path_factory) -> Path:
    """Where the end-to-end Rasa keeps its SQL tracker store (tracker.db)."""
    return tmp_path_factory.mktemp("rasa")


@pytest.fixture(scope="session")
def gateway_url(gateway_directory, rasa_directory, rasa_port, fake_twilio, fake_telegram) -> str:
    env = {
        "TWILIO_API_URL": fake_twilio.url,
        "TELEGRAM_API_URL": f"{fake_telegram.url}/bot",
        "PUBLIC_URL": PUBLIC_URL,
        "RASA_TRACKER_STORE_URL": f"sqlite:///{rasa_directory / 'tracker.db'}",
        # The SAMPLE directory's dates are fixed: searches run on a day they cover, so no
        # test depends on the calendar.
        "DIRECTORY_CLOCK": SAMPLE_DAY,
    }
    with running_gateway(gateway_directory, f"http://127.0.0.1:{rasa_port}", env) as url:
        yield url
