"""endpoints.production.yml as Rasa reads it: the action server's token from the
environment reaches the header Rasa sends (Rasa expands ${...} only in unquoted values: a
quoted one would send the literal text and every action would be refused)."""

from __future__ import annotations

from pathlib import Path

from rasa.core.utils import read_endpoints_from_path

ENDPOINTS = Path(__file__).resolve().parents[2] / "endpoints.production.yml"
ENVIRONMENT = {
    "ACTION_SERVER_URL": "http://actions:5055/webhook",
    "ACTION_SERVER_TOKEN": "a1b2c3",
    "POSTGRES_HOST": "postgres",
    "POSTGRES_PORT": "5432",
    "RASA_TRACKER_DB": "rasa_tracker",
    "POSTGRES_USER": "rasa_app",
    "POSTGRES_PASSWORD": "p",
    "REDIS_HOST": "redis",
    "REDIS_PORT": "6379",
    "REDIS_DB": "0",
    "REDIS_PASSWORD": "r3d1s",
    "RABBITMQ_HOST": "rabbitmq",
    "RABBITMQ_USER": "u",
    "RABBITMQ_PASSWORD": "q",
    "RABBITMQ_QUEUE": "rasa_events",
}


def test_the_secrets_come_from_the_environment(monkeypatch) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(ENDPOINTS)
    assert endpoints.action.headers == {"Authorization": "Bearer a1b2c3"}
    assert endpoints.lock_store.kwargs["password"] == "r3d1s"
