"""The action server's client for the gateway's APIs (../shared/ARCHITECTURE.md): the
directory (/hsds, on the gateway's public port, GATEWAY_URL) and the internal API
(/internal, on its private listener, GATEWAY_INTERNAL_URL, with INTERNAL_API_TOKEN) for
handoffs, erasure, reminders and the services shown. The action server never touches the
gateway's database, and never holds the key of the pseudonyms."""

from __future__ import annotations

import logging
import os
from typing import Any

import aiohttp

from bot.dev_defaults import DEV_INTERNAL_API_TOKEN

logger = logging.getLogger(__name__)

DEFAULT_GATEWAY_URL = "http://127.0.0.1:8000"
DEFAULT_GATEWAY_INTERNAL_URL = "http://127.0.0.1:8001"
TIMEOUT = aiohttp.ClientTimeout(total=4)


class GatewayUnavailable(Exception):
    """The gateway did not answer, or answered with an error."""


def gateway_url() -> str:
    return os.environ.get("GATEWAY_URL", DEFAULT_GATEWAY_URL).rstrip("/")


def gateway_internal_url() -> str:
    return os.environ.get("GATEWAY_INTERNAL_URL", DEFAULT_GATEWAY_INTERNAL_URL).rstrip("/")


def _headers() -> dict[str, str]:
    token = os.environ.get("INTERNAL_API_TOKEN", DEV_INTERNAL_API_TOKEN)
    return {"Authorization": f"Bearer {token}"}


async def _request(method: str, path: str, **kwargs: Any) -> Any:
    internal = path.startswith("/internal")
    url = f"{gateway_internal_url() if internal else gateway_url()}{path}"
    try:
        async with (
            aiohttp.ClientSession(
                timeout=TIMEOUT, headers=_headers() if internal else {}
            ) as session,
            session.request(method, url, **kwargs) as response,
        ):
            if response.status >= 400:
                raise GatewayUnavailable(f"{method} {path}: HTTP {response.status}")
            return await response.json()
    except (aiohttp.ClientError, TimeoutError) as error:
        # Logged without the payload: it can hold a tenant's conversation summary.
        logger.warning("gateway %s %s failed: %s", method, path, type(error).__name__)
        raise GatewayUnavailable(str(error)) from error


async def open_handoff(payload: dict[str, Any]) -> dict[str, Any]:
    return await _request("POST", "/internal/handoffs", json=payload)


async def erase_conversation(sender_id: str) -> dict[str, Any]:
    return await _request("POST", "/internal/erasure", json={"sender_id": sender_id})


async def search_services(params: dict[str, Any]) -> dict[str, Any]:
    return await _request("GET", "/hsds/services", params=params)


async def report_closed_place(sender_id: str, service_id: str) -> dict[str, Any]:
    """Tell the gateway a tenant found a place the assistant proposed closed."""
    return await _request(
        "POST",
        "/internal/directory/closed",
        json={"sender_id": sender_id, "service_id": service_id},
    )


async def create_reminder(payload: dict[str, Any]) -> dict[str, Any]:
    return await _request("POST", "/internal/reminders", json=payload)


async def record_shown(sender_id: str, service_ids: list[str]) -> None:
    """The directory's services the bot just showed this conversation (curation, issue 23)."""
    await _request(
        "POST",
        "/internal/directory/shown",
        json={"sender_id": sender_id, "service_ids": service_ids},
    )
