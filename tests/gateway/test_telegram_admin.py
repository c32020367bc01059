"""python -m bot.telegram: set-webhook and the polling mode, against a loopback Bot API."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.devtools.loopback import FakeTelegram, LoopbackServer, running
from tests.gateway.channel_fixtures import TELEGRAM_DATA
from tests.gateway.conftest import ROOT


def run_admin(*args: str, api: FakeTelegram) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_API_URL": f"{api.url}/bot",
        "PUBLIC_URL": "https://assistant.example.org",
        "TELEGRAM_SECRET_TOKEN": "s3cret-token",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.telegram", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_set_webhook_registers_the_url_secret_and_update_types():
    with running(FakeTelegram()) as api:
        result = run_admin("set-webhook", api=api)
        assert result.returncode == 0, result.stderr
        (call,) = [r.body for r in api.requests if r.path.endswith("/setWebhook")]
    assert call["url"] == "https://assistant.example.org/webhooks/telegram"
    assert call["secret_token"] == "s3cret-token"
    allowed = call["allowed_updates"]
    allowed = json.loads(allowed) if isinstance(allowed, str) else allowed
    assert allowed == ["message", "edited_message", "callback_query"]


def test_polling_feeds_each_update_to_the_gateway_with_the_secret():
    update = json.loads((TELEGRAM_DATA / "text.json").read_text())
    with running(FakeTelegram()) as api, running(LoopbackServer(lambda *a: (200, {}))) as gateway:
        api.pending_updates = [update]
        result = run_admin("poll", "--once", "--gateway", gateway.url, api=api)
        assert result.returncode == 0, result.stderr
        (forwarded,) = gateway.requests
    assert forwarded.path == "/webhooks/telegram"
    assert forwarded.headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret-token"
    assert forwarded.body["update_id"] == update["update_id"]
    assert forwarded.body["message"]["text"] == update["message"]["text"]
