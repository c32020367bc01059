"""The gateway's foundation: settings, migrations, and /healthz on a real server."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.core.settings import InsecureSettings, Settings
from bot.gateway.app import create_app
from bot.gateway.migrate import upgrade_to_head

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_development_defaults_need_no_configuration():
    settings = Settings(_env_file=None).check()
    assert settings.database_url.startswith("sqlite:///var/")
    assert settings.rasa_url == "http://127.0.0.1:5005"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.db")
    monkeypatch.setenv("GATEWAY_PORT", "8123")
    settings = Settings(_env_file=None)
    assert (settings.database_url, settings.gateway_port) == ("sqlite:////tmp/x.db", 8123)


def test_production_refuses_development_values():
    with pytest.raises(InsecureSettings, match="GATEWAY_SECRET"):
        Settings(
            _env_file=None, profile="production", database_url="postgresql://db/gateway"
        ).check()
    with pytest.raises(InsecureSettings, match="TWILIO_AUTH_TOKEN"):
        Settings(_env_file=None, profile="production", gateway_secret="s3cret").check()
    secrets = {
        "gateway_secret": "s3cret",
        "twilio_auth_token": "t",
        "telegram_bot_token": "1:b",
        "telegram_secret_token": "s",
        "console_secret": "c",
    }
    with pytest.raises(InsecureSettings, match="PostgreSQL"):
        Settings(_env_file=None, profile="production", **secrets).check()
    Settings(
        _env_file=None, profile="production", database_url="postgresql://db/gateway", **secrets
    ).check()


def test_migrations_bring_an_empty_database_to_head(tmp_path):
    database = tmp_path / "nested" / "gateway.db"
    upgrade_to_head(f"sqlite:///{database}")
    upgrade_to_head(f"sqlite:///{database}")  # idempotent
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0008",)
        ]


def test_healthz_reports_each_part(tmp_path):
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
        rasa_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        rasa_timeout_seconds=2,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "checks": {"gateway": "ok", "database": "ok", "rasa": "unreachable"},
    }


def test_healthz_reports_a_database_that_stops_answering(tmp_path):
    folder = tmp_path / "db"
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{folder / 'gateway.db'}",
        rasa_url=f"http://127.0.0.1:{free_port()}",
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["checks"]["database"] == "ok"
        shutil.rmtree(folder)
        client.app.state.engine.dispose()  # no pooled connection to the deleted file
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


def test_the_gateway_starts_migrates_and_serves(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "RASA_TIMEOUT_SECONDS": "2",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.gateway"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.3)
        assert response.json()["checks"]["database"] == "ok"
        assert (tmp_path / "gateway.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
