"""Async client for the Rasa server: its REST channel for tenant messages and its HTTP API
for status (and, later, pause/resume and transcripts). Every call has a timeout."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=httpx.Timeout(timeout_seconds)
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._client.request(method, path, **kwargs)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise RasaUnavailable(f"{method} {path}: {type(error).__name__}") from error
        return response.json()

    async def send_message(
        self, sender_id: str, text: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One tenant message through the REST channel; the bot's replies."""
        body = {"sender": sender_id, "message": text, "metadata": metadata}
        return await self._call("POST", "/webhooks/rest/webhook", json=body)

    async def slots(self, sender_id: str) -> dict[str, Any]:
        """The conversation's slots (the tracker without its events)."""
        tracker = await self._call("GET", f"/conversations/{sender_id}/tracker",
                                   params={"include_events": "NONE"})  # fmt: skip
        return tracker.get("slots") or {}

    async def append_event(self, sender_id: str, event: dict[str, Any]) -> None:
        """Append an event to a conversation (pause, resume...) without running the bot."""
        await self._call("POST", f"/conversations/{sender_id}/tracker/events", json=event,
                         params={"include_events": "NONE"})  # fmt: skip

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        """Every event of a conversation (the transcript before a handoff)."""
        tracker = await self._call("GET", f"/conversations/{sender_id}/tracker",
                                   params={"include_events": "ALL"})  # fmt: skip
        return tracker.get("events") or []

    async def status(self) -> dict[str, Any]:
        return await self._call("GET", "/status")

    async def answers(self) -> bool:
        try:
            return bool((await self.status()).get("model_id"))
        except RasaUnavailable:
            return False
