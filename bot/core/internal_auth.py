"""The internal API's authentication: the action server's bearer token (INTERNAL_API_TOKEN),
as a dependency of every internal router (no route checks it by hand). The internal API
also answers only on the private listener (bot/core/listeners.py)."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request


def authorized(request: Request) -> bool:
    secret = request.app.state.services.settings.internal_api_token.get_secret_value()
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {secret}".encode())


def require_internal_token(request: Request) -> None:
    """401 {"detail": "unauthorized"} without the action server's bearer token."""
    if not authorized(request):
        raise HTTPException(status_code=401, detail="unauthorized")
