"""One real Rasa server and one real action server for the whole test session, on free
loopback ports, with a throwaway SQLite tracker store, and the real gateway serving the
sample directory (tests/conftest.py). The model is the one `make train` built. The
gateway's handoff API comes with issue 5: until then handoffs meet "unavailable"."""

from __future__ import annotations

import uuid

import pytest
import requests

from bot.devtools.processes import MODEL, running_rasa


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
def assistant(rasa_directory, gateway_url, rasa_port) -> Assistant:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    with running_rasa(rasa_directory, rasa_port, gateway_url) as url:
        yield Assistant(url)


def texts(replies: list[dict]) -> list[str]:
    return [reply.get("text", "") for reply in replies]


def buttons(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]
