"""Fixtures shared by the unit, end-to-end and security tests: the real gateway (its own
virtual environment) serving the sample directory, pointed at the Rasa port the end-to-end
tests will use, and at loopback servers that stand in for Twilio's and Telegram's APIs;
the session's one real Rasa server and action server (`assistant`)."""

from __future__ import annotations

import re
import sys
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from bot.dev_defaults import DEV_RASA_TOKEN
from bot.devtools.gateway_process import running_gateway
from bot.devtools.loopback import FakeTelegram, FakeTwilio
from bot.devtools.processes import MODEL, free_port, running_actions, running_rasa

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


# The session's service logs (gateway, Rasa, action server): when a test fails, what they
# reported goes to the very end of the output, where CI's excerpt shows it.
SERVICE_LOG_DIRECTORIES: list[Path] = []
REPORTED = re.compile(r"WARNING|ERROR|Error|Traceback|locked|Timeout")
_FAILED = {"exit_status": 0}


@pytest.fixture(scope="session")
def gateway_directory(tmp_path_factory) -> Path:
    """Where the test gateway keeps its SQLite database (gateway.db) and log."""
    directory = tmp_path_factory.mktemp("gateway")
    SERVICE_LOG_DIRECTORIES.append(directory)
    return directory


@pytest.fixture(scope="session")
def rasa_directory(tmp_path_factory) -> Path:
    """Where the end-to-end Rasa keeps its SQL tracker store (tracker.db) and its log and
    the action server's."""
    directory = tmp_path_factory.mktemp("rasa")
    SERVICE_LOG_DIRECTORIES.append(directory)
    return directory


def pytest_sessionfinish(session, exitstatus) -> None:
    _FAILED["exit_status"] = int(exitstatus)


def pytest_unconfigure(config) -> None:
    """After the summary: the last problems each service logged, if a test failed."""
    if _FAILED["exit_status"] == 0:
        return
    for directory in SERVICE_LOG_DIRECTORIES:
        for log in sorted(directory.glob("*.log")):
            lines = log.read_text(errors="replace").splitlines()
            reported = [line[:240] for line in lines if REPORTED.search(line)][-12:]
            if reported:
                sys.stdout.write(f"\n--- {log.name}: last problems of {len(lines)} lines ---\n")
                sys.stdout.write("\n".join(reported) + "\n")


# The sample housing companies, and one whose social service is never open: its number
# and deep link let end-to-end tests see what a tenant is told out of office hours.
CLOSED_COMPANY = {
    "id": "closed-company",
    "name": "Société toujours fermée / Altijd gesloten maatschappij (TEST)",
    "sites": ["foyer-ferme"],
    "sms_numbers": ["+32460000077"],
    "voice_numbers": ["+32460000077"],
    "transfer_number": "+3220000077",
    "office_hours": {},
    "holidays": [],
}
CLOSED_COMPANY_NUMBER = "+32460000077"
# A company whose social service is always open and takes transferred calls (phone line).
OPEN_COMPANY = {
    "id": "open-company",
    "name": "Société toujours ouverte / Altijd open maatschappij (TEST)",
    "sites": ["foyer-ouvert"],
    "voice_numbers": ["+32460000078"],
    "transfer_number": "+3220000078",
    "phone": "02 000 00 78",
    "office_hours": {
        day: [["00:00", "23:59"]] for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    },
    "holidays": [],
}
OPEN_COMPANY_NUMBER = "+32460000078"
SAMPLE_COMPANIES = Path(__file__).parents[1] / "data" / "housing_companies.yml"


def e2e_companies(directory: Path) -> Path:
    companies = yaml.safe_load(SAMPLE_COMPANIES.read_text()) + [CLOSED_COMPANY, OPEN_COMPANY]
    path = directory / "housing_companies.yml"
    path.write_text(yaml.safe_dump(companies, allow_unicode=True))
    return path


@pytest.fixture(scope="session")
def gateway_url(gateway_directory, rasa_directory, rasa_port, fake_twilio, fake_telegram) -> str:
    env = {
        "HOUSING_COMPANIES_FILE": str(e2e_companies(gateway_directory)),
        "TWILIO_API_URL": fake_twilio.url,
        "TELEGRAM_API_URL": f"{fake_telegram.url}/bot",
        "PUBLIC_URL": PUBLIC_URL,
        "RASA_TRACKER_STORE_URL": f"sqlite:///{rasa_directory / 'tracker.db'}",
        # the retention job purges the same stores as in production
        "RASA_EVENT_BROKER_URL": f"sqlite:///{rasa_directory / 'events.db'}",
        # The SAMPLE directory's dates are fixed: searches run on a day they cover, so no
        # test depends on the calendar.
        "DIRECTORY_CLOCK": SAMPLE_DAY,
    }
    with running_gateway(gateway_directory, f"http://127.0.0.1:{rasa_port}", env) as url:
        yield url


class Assistant:
    """A tenant talking to the running assistant over Rasa's REST channel; the tests' reads
    of Rasa's HTTP API carry its token (`rasa run --auth-token`)."""

    def __init__(self, url: str, actions_url: str) -> None:
        self.url, self.actions_url = url, actions_url
        self.token = {"token": DEV_RASA_TOKEN}

    def new_sender(self) -> str:
        return f"e2e-{uuid.uuid4().hex[:12]}"

    def say(self, sender: str, text: str, **metadata) -> list[dict]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": metadata},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> dict:
        response = requests.post(
            f"{self.url}/model/parse", json={"text": text}, params=self.token, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker", params=self.token, timeout=30
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def assistant(rasa_directory, gateway_url, rasa_port) -> Assistant:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    with (
        running_actions(rasa_directory, gateway_url) as actions,
        running_rasa(rasa_directory, rasa_port, gateway_url, actions_url=actions.url) as url,
    ):
        yield Assistant(url, actions.url)
