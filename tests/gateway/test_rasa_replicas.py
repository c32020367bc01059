"""Several Rasa replicas behind the gateway: each conversation sticks to one replica (a
consistent hash of its sender id, against RasaHQ/rasa #9213), a replica that is down is
skipped until it is back, and /healthz on the private port tells which replica is missing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from bot.devtools.loopback import ScriptedRasa
from tests.gateway.channel_fixtures import (
    INTERNAL,
    Channels,
    replies,
    running_channels,
    scripted_reply,
)

SENDERS = [f"+3247000{n:04d}" for n in range(40)]


@contextmanager
def two_replicas(tmp_path: Path) -> Iterator[tuple[Channels, list[ScriptedRasa]]]:
    replicas = [ScriptedRasa(scripted_reply).start() for _ in range(2)]
    try:
        urls = ",".join(replica.url for replica in replicas)
        with running_channels(tmp_path, rasa_url=urls) as gateway:
            yield gateway, replicas
    finally:
        for replica in replicas:
            replica.stop()


def served_by(replicas: list[ScriptedRasa]) -> dict[str, list[int]]:
    """For each (pseudonymous) sender, the replicas that served its turns, in order."""
    turns: dict[str, list[tuple[float, int]]] = {}
    for index, replica in enumerate(replicas):
        for sender, events in replica.events.items():
            for event in events:
                if event["event"] == "user":
                    turns.setdefault(sender, []).append((event["timestamp"], index))
    return {sender: [index for _, index in sorted(found)] for sender, found in turns.items()}


def test_each_conversation_sticks_to_one_replica_and_both_replicas_work(tmp_path: Path):
    with two_replicas(tmp_path) as (gateway, replicas):
        for turn in range(3):
            for sender in SENDERS:
                assert replies(gateway.sms(f"turn {turn}", sender=sender)) == [f"echo: turn {turn}"]
        served = served_by(replicas)
        assert len(served) == len(SENDERS)
        assert all(len(set(indexes)) == 1 for indexes in served.values()), "a sender moved"
        shares = Counter(indexes[0] for indexes in served.values())
        assert min(shares[0], shares[1]) >= len(SENDERS) // 4
        for replica in replicas:  # each sender's turns arrived in order on its replica
            for sender, events in replica.events.items():
                texts = [e["text"] for e in events if e["event"] == "user"]
                assert texts == ["turn 0", "turn 1", "turn 2"], sender
        assert gateway.client.get("/healthz").json()["checks"]["rasa"] == "ok"


def test_a_replica_that_is_down_is_skipped_and_its_tenants_come_back_to_it(tmp_path: Path):
    with two_replicas(tmp_path) as (gateway, replicas):
        for sender in SENDERS:
            replies(gateway.sms("before", sender=sender))
        home = {sender: indexes[0] for sender, indexes in served_by(replicas).items()}
        port = urlsplit(replicas[0].url).port
        replicas[0].stop()  # connections to it are now refused

        health = gateway.client.get(f"{INTERNAL}/healthz")  # replica states: private port
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert list(health.json()["checks"]["rasa_replicas"].values()).count("unreachable") == 1
        for sender in SENDERS:  # every tenant still gets an answer, none is lost
            assert replies(gateway.sms("during", sender=sender)) == ["echo: during"]

        replicas[0] = ScriptedRasa(scripted_reply, port=port).start()  # restarted
        for sender in SENDERS:
            replies(gateway.sms("after", sender=sender))
        assert set(replicas[0].events) == {s for s, index in home.items() if index == 0}
