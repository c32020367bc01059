"""`python -m bot.gateway`: bring the database schema up to date, then serve with
GATEWAY_WORKERS processes (several need PostgreSQL and a shared rate-limit store)."""

from __future__ import annotations

import os
import shutil
import tempfile

import uvicorn

from bot.core.settings import get_settings
from bot.gateway.migrate import upgrade_to_head


def main() -> None:
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    if settings.gateway_workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker writes its counts here; /metrics adds them up. Emptied per start.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gateway-metrics-")
    try:
        uvicorn.run(
            "bot.gateway.app:create_app",
            factory=True,
            host=settings.gateway_host,
            port=settings.gateway_port,
            workers=settings.gateway_workers,
        )
    finally:
        if settings.gateway_workers > 1:
            shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
