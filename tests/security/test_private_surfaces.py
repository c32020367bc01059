"""What only the action server and the operator may reach, against the real gateway
process: the internal API and the metrics answer on the private listener alone; the
public /healthz names no internal address; production serves no framework API docs."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import requests

from bot.dev_defaults import DEV_INTERNAL_API_TOKEN
from bot.devtools.gateway_process import GatewayProcess, running_gateway_process
from bot.devtools.stack import databases
from tests.security.production_secrets import strong_secrets

BEARER = {"Authorization": f"Bearer {DEV_INTERNAL_API_TOKEN}"}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory) -> GatewayProcess:
    two_replicas = "http://127.0.0.1:9,http://127.0.0.1:10"  # nothing there: both "unreachable"
    with running_gateway_process(tmp_path_factory.mktemp("private"), two_replicas) as running:
        yield running


def test_the_internal_api_and_the_metrics_are_not_on_the_public_port(gateway) -> None:
    erasure = requests.post(
        f"{gateway.url}/internal/erasure", json={"sender_id": "sms-x"}, headers=BEARER, timeout=10
    )
    assert erasure.status_code == 404
    assert requests.get(f"{gateway.url}/metrics", timeout=10).status_code == 404
    handoffs = requests.post(
        f"{gateway.url}/internal/handoffs", json={}, headers=BEARER, timeout=10
    )
    assert handoffs.status_code == 404


def test_they_answer_on_the_private_listener(gateway) -> None:
    erasure = requests.post(
        f"{gateway.internal_url}/internal/erasure",
        json={"sender_id": "sms-nobody"},
        headers=BEARER,
        timeout=10,
    )
    # the route itself answers (it knows no such sender)
    assert erasure.json() == {"detail": "unknown sender"}, erasure.text
    unauthenticated = requests.post(
        f"{gateway.internal_url}/internal/erasure", json={"sender_id": "sms-nobody"}, timeout=10
    )
    assert unauthenticated.status_code == 401
    metrics = requests.get(f"{gateway.internal_url}/metrics", timeout=10)
    assert metrics.status_code == 200 and "gateway_" in metrics.text


def test_the_public_routes_are_not_on_the_private_listener(gateway) -> None:
    assert requests.get(f"{gateway.internal_url}/console/login", timeout=10).status_code == 404
    assert requests.post(f"{gateway.internal_url}/webhooks/sms", timeout=10).status_code == 404


def test_the_private_listener_is_bound_to_loopback(gateway) -> None:
    port = int(gateway.internal_url.rsplit(":", 1)[1])
    listening = [
        line.split()[1]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == port
    ]
    assert listening == ["0100007F:" + f"{port:04X}"]  # 127.0.0.1 only


def test_public_healthz_names_no_internal_address(gateway) -> None:
    public = requests.get(f"{gateway.url}/healthz", timeout=10)
    assert "127.0.0.1" not in public.text and "rasa_replicas" not in public.json()["checks"]
    private = requests.get(f"{gateway.internal_url}/healthz", timeout=10)
    assert set(private.json()["checks"]["rasa_replicas"]) == {
        "http://127.0.0.1:9",
        "http://127.0.0.1:10",
    }


def strong_production_env(database_url: str) -> dict[str, str]:
    return {
        "PROFILE": "production",
        "DATABASE_URL": database_url,
        **strong_secrets(),
        "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
        "TWILIO_API_URL": "http://127.0.0.1:9",
    }


def test_production_serves_no_framework_api_description(tmp_path) -> None:
    name = f"security_docs_{secrets.token_hex(4)}"
    with databases(name):
        env = strong_production_env(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        with running_gateway_process(tmp_path, extra_env=env) as production:
            for path in ("/docs", "/redoc", "/openapi.json"):
                assert requests.get(f"{production.url}{path}", timeout=10).status_code == 404
                assert (
                    requests.get(f"{production.internal_url}{path}", timeout=10).status_code == 404
                )


def test_several_worker_processes_serve_both_listeners(tmp_path) -> None:
    """The master binds both sockets and every worker serves them (GATEWAY_WORKERS > 1)."""
    with running_gateway_process(tmp_path, extra_env={"GATEWAY_WORKERS": "2"}) as gateway:
        gateway.wait_for_workers(2)
        for _ in range(6):  # new connections each time: the workers share the accepts
            erasure = requests.post(
                f"{gateway.internal_url}/internal/erasure",
                json={"sender_id": "sms-nobody"},
                headers=BEARER,
                timeout=10,
            )
            assert erasure.json() == {"detail": "unknown sender"}
            assert requests.get(f"{gateway.internal_url}/metrics", timeout=10).status_code == 200
            assert requests.get(f"{gateway.url}/metrics", timeout=10).status_code == 404
