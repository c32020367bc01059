"""`python -m actions.server`: the action server, closed to everyone but Rasa.

rasa-sdk's own `rasa run actions` listens on every interface and runs any action for anyone
who can reach it (a forged tracker could ask for `action_resolve_offer` and have the
gateway erase a tenant). This launcher builds the same app (rasa_sdk.endpoint.create_app),
binds the interface it is given (loopback by default; the internal network in a
deployment) and refuses, with 401, any request without the bearer token Rasa's action
endpoint sends (ACTION_SERVER_TOKEN; endpoints.yml's `action_endpoint.headers`). /health
stays open: it tells nothing."""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from rasa_sdk.endpoint import create_app
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.dev_defaults import DEV_ACTION_SERVER_TOKEN
from bot.secret_strength import weakness

logger = logging.getLogger(__name__)
OPEN_PATHS = ("/health",)


def configured_token() -> str:
    """ACTION_SERVER_TOKEN; in production, refused if it is a default or a placeholder."""
    token = os.environ.get("ACTION_SERVER_TOKEN", DEV_ACTION_SERVER_TOKEN)
    if os.environ.get("PROFILE", "development") == "production":
        problem = weakness(token, (DEV_ACTION_SERVER_TOKEN,))
        if problem is not None:
            raise SystemExit(f"ACTION_SERVER_TOKEN {problem}: set a real secret in production")
    return token


def closed_app(token: str) -> Sanic:
    app = create_app("actions", cors_origins=None)
    expected = f"Bearer {token}".encode()

    @app.middleware("request")
    async def require_rasa_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get("Authorization") or "").encode()
        if hmac.compare_digest(given, expected):
            return None
        logger.warning("action server: a request without Rasa's token refused")
        return json({"error": "unauthorized"}, status=401)

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.server")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default="127.0.0.1", help="loopback unless told otherwise")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    app = closed_app(configured_token())
    logger.info("action server on http://%s:%d (Rasa's token required)", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
