"""Async client for the Rasa servers: their REST channel for tenant messages and their HTTP
API for slots, events (pause/resume, transcripts) and status. Every call has a timeout.

With several Rasa replicas (RASA_URL lists them, comma-separated), every call about one
conversation goes to one replica, chosen by a consistent hash of the sender id: Rasa's
RedisLockStore alone does not keep two replicas from interleaving one conversation's turns
(RasaHQ/rasa #9213). A replica that refuses the connection (down, restarting) is skipped
for the next one on the ring, and so is one whose connection dropped during a read. A
replica that dropped a turn or a write may have acted before it fell: a turn is checked in
the shared tracker store (see send_message), a write is not repeated."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
from uhashring import HashRing

Replies = list[dict[str, Any]]
log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


def described(error: Exception) -> str:
    """What went wrong, without the URL: its query carries Rasa's token (`?token=`), and
    httpx's status errors repeat the URL in their message."""
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTPStatusError {error.response.status_code}"
    return type(error).__name__


def cause(error: Exception | None) -> Exception | None:
    """The error to chain to RasaUnavailable: none for a status error, whose traceback would
    print the URL and the token."""
    return None if isinstance(error, httpx.HTTPStatusError) else error


# The request never reached a replica (refused, not connected in time, or the connection died
# while the request was being written: Rasa reads a whole body before it acts): another may
# take it.
NOT_DELIVERED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.WriteError, httpx.PoolTimeout)
# The replica took the request and the connection dropped before its answer: it crashed.
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError)


def replica_urls(rasa_url: str) -> list[str]:
    """The replicas named in RASA_URL ("http://a:5005,http://b:5005")."""
    urls = [part.strip().rstrip("/") for part in rasa_url.split(",") if part.strip()]
    if not urls:
        raise ValueError("RASA_URL names no Rasa server")
    return urls


class RasaClient:
    def __init__(self, rasa_url: str, timeout_seconds: float, token: str = "") -> None:
        self.replicas = replica_urls(rasa_url)
        self._ring = HashRing(nodes=self.replicas)
        # Rasa's HTTP API (`--auth-token`) takes its token only as a query parameter (or a
        # JWT); its REST channel ignores it. Rasa does not log query strings, the gateway
        # keeps httpx's request lines at WARNING (bot/core/logs.py) and its errors name no
        # URL (`described`).
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds), params={"token": token} if token else None
        )

    async def close(self) -> None:
        await self._client.aclose()

    def replicas_for(self, sender_id: str) -> list[str]:
        """The sender's replica first, then the ones to fall back on, in ring order."""
        if len(self.replicas) == 1:
            return self.replicas
        return [node["nodename"] for node in self._ring.range(sender_id, unique=True)]

    async def _call(
        self, method: str, path: str, sender_id: str | None = None, **kwargs: Any
    ) -> Any:
        candidates = self.replicas_for(sender_id) if sender_id else self.replicas
        failure: Exception | None = None
        for base in candidates:
            try:
                response = await self._client.request(method, f"{base}{path}", **kwargs)
                response.raise_for_status()
            except NOT_DELIVERED as error:  # never reached that replica: try the next
                failure = error
                continue
            except DROPPED as error:
                if method != "GET":  # it may have acted before it fell: not twice
                    raise RasaUnavailable(f"{method} {path}: {described(error)}") from cause(error)
                failure = error  # a read: the next replica reads the same shared store
                continue
            except httpx.HTTPError as error:
                raise RasaUnavailable(f"{method} {path}: {described(error)}") from cause(error)
            return response.json()
        raise RasaUnavailable(f"{method} {path}: no replica answers") from cause(failure)

    async def send_message(
        self, sender_id: str, text: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One tenant message through the REST channel; the bot's replies.

        Rasa saves a turn's events at its end, all at once, in the tracker store the
        replicas share; that tells whether a turn ran when the answer does not:
        - a replica that drops the connection mid-turn has crashed: if the turn is stored,
          its replies are read back; if not, it never ran and runs on the next replica;
        - an empty answer is either a turn whose action failed (stored: the caller offers
          a person) or a turn Rasa refused to start, e.g. while a crashed replica's lock
          was expiring (not stored: it is sent once more).
        Either way a turn runs once."""
        body = {"sender": sender_id, "message": text, "metadata": metadata}
        for attempt in range(2):
            replies, base, sent_at = await self._post_turn(sender_id, body)
            if replies or attempt == 1:
                return replies
            log.warning("rasa: %s answered an empty turn; checking the tracker", base)
            stored = await self._stored_turn(base, sender_id, text, sent_at)
            if stored is not None:
                return stored
        return []

    async def _post_turn(self, sender_id: str, body: dict[str, Any]) -> tuple[Replies, str, float]:
        """The replies, and the replica that gave them and when the turn was sent."""
        candidates = self.replicas_for(sender_id)
        for position, base in enumerate(candidates):
            sent_at = time.time()
            try:
                response = await self._client.post(f"{base}/webhooks/rest/webhook", json=body)
                response.raise_for_status()
                return response.json(), base, sent_at
            except NOT_DELIVERED as error:
                log.warning("rasa: %s not reached (%s); next replica", base, type(error).__name__)
                continue
            except DROPPED as error:
                log.warning("rasa: %s dropped a turn (%s)", base, type(error).__name__)
                others = candidates[position + 1 :]
                if not others:
                    failed = f"the replica failed during a turn: {described(error)}"
                    raise RasaUnavailable(failed) from cause(error)
                stored = await self._stored_turn(others[0], sender_id, body["message"], sent_at)
                if stored is not None:
                    return stored, others[0], sent_at
            except httpx.HTTPError as error:
                raise RasaUnavailable(f"a turn: {described(error)}") from cause(error)
        raise RasaUnavailable("a turn: no replica answers")

    async def _stored_turn(
        self, base: str, sender_id: str, text: str, sent_at: float
    ) -> list[dict[str, Any]] | None:
        """The replies of this message's turn if the tracker store has it, else None."""
        try:
            response = await self._client.get(
                f"{base}/conversations/{sender_id}/tracker",
                params={"include_events": "AFTER_RESTART"},
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            unknown = f"cannot tell whether a turn ran: {described(error)}"
            raise RasaUnavailable(unknown) from cause(error)
        events = response.json().get("events") or []
        users = [i for i, event in enumerate(events) if event.get("event") == "user"]
        if not users:
            return None
        last = users[-1]
        if events[last].get("text") != text or events[last].get("timestamp", 0) < sent_at - 1:
            return None
        return [
            {
                "recipient_id": sender_id,
                "text": event.get("text"),
                **{key: value for key, value in (event.get("data") or {}).items() if value},
            }
            for event in events[last + 1 :]
            if event.get("event") == "bot"
        ]

    async def slots(self, sender_id: str) -> dict[str, Any]:
        """The conversation's slots (the tracker without its events)."""
        tracker = await self._call(
            "GET",
            f"/conversations/{sender_id}/tracker",
            sender_id,
            params={"include_events": "NONE"},
        )
        return tracker.get("slots") or {}

    async def append_event(self, sender_id: str, event: dict[str, Any]) -> None:
        """Append an event to a conversation (pause, resume...) without running the bot."""
        await self._call(
            "POST",
            f"/conversations/{sender_id}/tracker/events",
            sender_id,
            json=event,
            params={"include_events": "NONE"},
        )

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        """Every event of a conversation (the transcript before a handoff)."""
        tracker = await self._call(
            "GET",
            f"/conversations/{sender_id}/tracker",
            sender_id,
            params={"include_events": "ALL"},
        )
        return tracker.get("events") or []

    async def replica_status(self) -> dict[str, bool]:
        """For /healthz: whether each replica serves a model."""
        answers = {}
        for base in self.replicas:
            try:
                response = await self._client.get(f"{base}/status")
                answers[base] = response.is_success and bool(response.json().get("model_id"))
            except (httpx.HTTPError, ValueError):
                answers[base] = False
        return answers
