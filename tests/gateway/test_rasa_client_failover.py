"""How the gateway's Rasa client fails over between replicas, error by error: a request that
never reached a replica goes to the next one; a read whose connection dropped is read from the
next one; a turn whose replica crashed is looked up in the shared tracker store before it runs
again; a write that may have happened is never repeated."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest

from bot.core.rasa_client import RasaClient, RasaUnavailable

SENDER = "pseudonym-of-a-tenant"
Handler = Callable[[httpx.Request], httpx.Response]


def client_with(handlers: dict[str, Handler]) -> tuple[RasaClient, list[str]]:
    """A two-replica client whose replicas are the given handlers (first: the sender's home)."""
    client = RasaClient("http://replica-a:5005,http://replica-b:5005", timeout_seconds=5)
    home, other = client.replicas_for(SENDER)
    by_host = {home: handlers["home"], other: handlers["other"]}
    calls: list[str] = []

    def route(request: httpx.Request) -> httpx.Response:
        base = f"{request.url.scheme}://{request.url.host}:{request.url.port}"
        calls.append(f"{'home' if base == home else 'other'} {request.method} {request.url.path}")
        return by_host[base](request)

    client._client = httpx.AsyncClient(transport=httpx.MockTransport(route))
    return client, calls


def raising(error: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)

    return handler


def serving(stored_text: str | None = None) -> Handler:
    """A replica that answers turns with an echo, and whose tracker holds `stored_text`'s turn."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/webhooks/rest/webhook":
            return httpx.Response(200, json=[{"recipient_id": SENDER, "text": "echo"}])
        events = []
        if stored_text is not None:
            events = [
                {"event": "user", "text": stored_text, "timestamp": time.time()},
                {"event": "bot", "text": "stored answer", "data": {}},
            ]
        return httpx.Response(200, json={"slots": {"language": "nl"}, "events": events})

    return handler


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.WriteError])
def test_a_turn_that_never_reached_its_replica_runs_on_the_next(error):
    client, calls = client_with({"home": raising(error), "other": serving()})
    replies = run(client.send_message(SENDER, "bonjour", {}))
    assert [r["text"] for r in replies] == ["echo"]
    assert calls == ["home POST /webhooks/rest/webhook", "other POST /webhooks/rest/webhook"]


@pytest.mark.parametrize("error", [httpx.RemoteProtocolError, httpx.ReadError])
def test_a_turn_whose_replica_crashed_after_storing_it_is_not_run_again(error):
    client, calls = client_with({"home": raising(error), "other": serving(stored_text="bonjour")})
    replies = run(client.send_message(SENDER, "bonjour", {}))
    assert [r["text"] for r in replies] == ["stored answer"]
    assert "other POST /webhooks/rest/webhook" not in calls


def test_a_turn_whose_replica_crashed_before_storing_it_runs_once_on_the_next():
    client, calls = client_with({"home": raising(httpx.RemoteProtocolError), "other": serving()})
    replies = run(client.send_message(SENDER, "bonjour", {}))
    assert [r["text"] for r in replies] == ["echo"]
    assert calls.count("other POST /webhooks/rest/webhook") == 1


def test_a_read_whose_connection_dropped_is_read_from_the_next_replica():
    client, calls = client_with({"home": raising(httpx.RemoteProtocolError), "other": serving()})
    assert run(client.slots(SENDER)) == {"language": "nl"}
    assert [c.split()[0] for c in calls] == ["home", "other"]


def test_a_write_whose_connection_dropped_is_not_repeated_elsewhere():
    client, calls = client_with({"home": raising(httpx.RemoteProtocolError), "other": serving()})
    with pytest.raises(RasaUnavailable):
        run(client.append_event(SENDER, {"event": "pause"}))
    assert calls == [f"home POST /conversations/{SENDER}/tracker/events"]


def test_a_turn_with_no_replica_reachable_is_unavailable_not_lost_silently():
    refused = raising(httpx.ConnectError)
    client, _ = client_with({"home": refused, "other": refused})
    with pytest.raises(RasaUnavailable, match="no replica answers"):
        run(client.send_message(SENDER, "bonjour", {}))
