"""The gateway's Rasa client and Rasa's token (`rasa run --auth-token`, RASA_TOKEN): it goes on
every call to Rasa's protected API, and never into what the gateway logs when a call fails
(Rasa takes it only as a query parameter, which httpx's errors repeat with the URL)."""

from __future__ import annotations

import asyncio
import traceback
from typing import Any

import pytest

from bot.core.rasa_client import RasaClient, RasaUnavailable
from bot.devtools.loopback import LoopbackServer, running

TOKEN = "rasa-token-that-must-stay-out-of-logs"
SENDER = "pseudonym-of-a-tenant"


def logged(error: BaseException) -> str:
    """What a log line with the error's traceback (log.exception) would print."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def failing_rasa() -> LoopbackServer:
    """A Rasa whose turn answers nothing and whose tracker read fails (500)."""

    def answer(method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if path == "/webhooks/rest/webhook":
            return 200, []
        return 500, {"status": "failure"}

    return LoopbackServer(answer)


def test_the_token_goes_to_rasas_api_and_not_into_the_error_the_gateway_logs() -> None:
    with running(failing_rasa()) as rasa:
        client = RasaClient(rasa.url, timeout_seconds=5, token=TOKEN)

        async def turn() -> None:
            try:
                await client.send_message(SENDER, "bonjour", {})
            finally:
                await client.close()

        with pytest.raises(RasaUnavailable) as raised:
            asyncio.run(turn())
        tracker_reads = [r for r in rasa.requests if r.path.endswith("/tracker")]
    assert tracker_reads and all(r.body.get("token") == TOKEN for r in tracker_reads)
    assert TOKEN not in logged(raised.value)
    assert "HTTPStatusError 500" in str(raised.value)  # still says what went wrong


@pytest.mark.parametrize("call", ["slots", "events"])
def test_a_failed_read_names_the_error_without_the_token(call: str) -> None:
    with running(failing_rasa()) as rasa:
        client = RasaClient(rasa.url, timeout_seconds=5, token=TOKEN)

        async def read() -> None:
            try:
                await getattr(client, call)(SENDER)
            finally:
                await client.close()

        with pytest.raises(RasaUnavailable) as raised:
            asyncio.run(read())
        assert rasa.requests[-1].body.get("token") == TOKEN
    assert TOKEN not in logged(raised.value)
