"""The internal API's authentication: the action server's bearer token."""

from __future__ import annotations

import hmac

from fastapi import Request


def authorized(request: Request) -> bool:
    secret = request.app.state.services.settings.gateway_secret.get_secret_value()
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {secret}".encode())
