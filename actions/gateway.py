"""The action server's client for the gateway's APIs (../shared/ARCHITECTURE.md): the
directory (/hsds) and the internal API (/internal) for handoffs and erasure. The action
server never touches the gateway's database."""

from __future__ import annotations

import logging
import os
from typing import Any

import aiohttp

from bot.dev_defaults import DEV_GATEWAY_SECRET

logger = logging.getLogger(__name__)

DEFAULT_GATEWAY_URL = "http://127.0.0.1:8000"
TIMEOUT = aiohttp.ClientTimeout(total=4)


class GatewayUnavailable(Exception):
    """The gateway did not answer, or answered with an error."""


def gateway_url() -> str:
    return os.environ.get("GATEWAY_URL", DEFAULT_GATEWAY_URL).rstrip("/")


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {os.environ.get('GATEWAY_SECRET', DEV_GATEWAY_SECRET)}"}


async def _request(method: str, path: str, **kwargs: Any) -> Any:
    url = f"{gateway_url()}{path}"
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT, headers=_headers()) as session,
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


async def create_reminder(payload: dict[str, Any]) -> dict[str, Any]:
    return await _request("POST", "/internal/reminders", json=payload)
