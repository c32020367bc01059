"""One real Rasa server and one real action server for the whole test session, on free
loopback ports, with a throwaway SQLite tracker store, and the real gateway serving the
sample directory (tests/conftest.py). The model is the one `make train` built. The
gateway's handoff API comes with issue 5: until then handoffs meet "unavailable"."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from tests.processes import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "tenant-assistant.tar.gz"
RASA = Path(sys.executable).parent / "rasa"
STARTUP_SECONDS = 240


class Assistant:
    """A tenant talking to the running assistant over Rasa's REST channel."""

    def __init__(self, url: str) -> None:
        self.url = url

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
        response = requests.post(f"{self.url}/model/parse", json={"text": text}, timeout=30)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, gateway_url, rasa_port) -> Assistant:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    workdir = tmp_path_factory.mktemp("rasa")
    actions_port = free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "tracker.db"}"\n'
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GATEWAY_URL": gateway_url,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    actions = subprocess.Popen(
        [str(RASA), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        cwd=ROOT, env=env, stdout=actions_log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = subprocess.Popen(
        [str(RASA), "run", "--enable-api", "--port", str(rasa_port), "--model", str(MODEL),
         "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")],
        cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{rasa_port}"
    try:
        wait_until(
            lambda: requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=2).ok,
            STARTUP_SECONDS, "action server", actions, actions_log,
        )  # fmt: skip
        wait_until(
            lambda: requests.get(f"{url}/status", timeout=2).json().get("model_id"),
            STARTUP_SECONDS, "Rasa server", server, rasa_log,
        )  # fmt: skip
        yield Assistant(url)
    finally:
        for process in (server, actions):
            process.terminate()
        for process in (server, actions):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def texts(replies: list[dict]) -> list[str]:
    return [reply.get("text", "") for reply in replies]


def buttons(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]
