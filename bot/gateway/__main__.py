"""`python -m bot.gateway`: bring the database schema up to date, then serve."""

from __future__ import annotations

import uvicorn

from bot.gateway.migrate import upgrade_to_head
from bot.gateway.settings import get_settings


def main() -> None:
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    uvicorn.run(
        "bot.gateway.app:create_app",
        factory=True,
        host=settings.gateway_host,
        port=settings.gateway_port,
    )


if __name__ == "__main__":
    main()
