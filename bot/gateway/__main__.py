"""`python -m bot.gateway migrate`: bring the database schema to head (the one command that
migrates). `python -m bot.gateway` (or `... serve`): check that the schema is at head, and
refuse to start otherwise; then serve with GATEWAY_WORKERS processes (several need
PostgreSQL and a shared rate-limit store)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

import uvicorn
from uvicorn.supervisors import Multiprocess

from bot.core.log_config import gateway_log_config
from bot.core.schema import require_current_schema
from bot.core.settings import Settings, get_settings
from bot.gateway.migrate import migrate


def serve(settings: Settings) -> None:
    """The app on two sockets bound here (so that every worker process shares them): the
    public port and the private one (bot/core/listeners.py)."""
    config = uvicorn.Config(
        "bot.gateway.app:create_app",
        factory=True,
        host=settings.gateway_host,
        port=settings.gateway_port,
        workers=settings.gateway_workers,
        log_config=gateway_log_config(settings.gateway_log_level),
    )
    private = uvicorn.Config(
        "bot.gateway.app:create_app",
        host=settings.internal_host,
        port=settings.internal_port,
        log_config=gateway_log_config(settings.gateway_log_level),
    )
    sockets = [config.bind_socket(), private.bind_socket()]
    if settings.gateway_workers > 1:
        Multiprocess(config, sockets=sockets).run()
    else:
        uvicorn.Server(config).run(sockets=sockets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.gateway")
    parser.add_argument(
        "command",
        nargs="?",
        choices=["serve", "migrate"],
        default="serve",
        help="serve (the default): the gateway; migrate: bring the schema to head and exit",
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "migrate":
        print(migrate(settings.migration_database_url or settings.database_url))
        return 0
    require_current_schema(settings.database_url)
    if settings.gateway_workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker writes its counts here; /metrics adds them up. Emptied per start.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gateway-metrics-")
    try:
        serve(settings)
    finally:
        if settings.gateway_workers > 1:
            shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
