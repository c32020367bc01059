"""`python -m bot.telegram set-webhook`: tell Telegram to call PUBLIC_URL/webhooks/telegram
with our secret token, for the update types the gateway handles.

`python -m bot.telegram poll` (`make telegram-polling`): for running without a public URL.
It removes the webhook, long-polls getUpdates and posts each update, unchanged and with the
secret token, to the running gateway's webhook: the same handler, deduplication and replies."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import httpx
from telegram import Bot

from bot.channels.telegram_sender import make_bot
from bot.core.logs import quiet_chatty_libraries
from bot.core.settings import Settings

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
WEBHOOK_PATH = "/webhooks/telegram"
log = logging.getLogger("bot.telegram")


async def set_webhook(bot: Bot, settings: Settings) -> str:
    url = f"{settings.public_url.rstrip('/')}{WEBHOOK_PATH}"
    await bot.set_webhook(
        url=url,
        secret_token=settings.telegram_secret_token.get_secret_value(),
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
    )
    return url


async def poll(bot: Bot, settings: Settings, gateway: str, once: bool = False) -> int:
    """Forward updates until interrupted (or after one round with `once`); returns how many."""
    await bot.delete_webhook(drop_pending_updates=False)
    secret = settings.telegram_secret_token.get_secret_value()
    offset, forwarded = None, 0
    async with httpx.AsyncClient(timeout=60) as client:
        while True:
            updates = await bot.get_updates(
                offset=offset, timeout=0 if once else 30, allowed_updates=ALLOWED_UPDATES
            )
            for update in updates:
                response = await client.post(
                    f"{gateway}{WEBHOOK_PATH}",
                    json=update.to_dict(),
                    headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                )
                if response.status_code >= 500:
                    log.warning(
                        "gateway answered %s; the update will be fetched again",
                        response.status_code,
                    )
                    break
                offset, forwarded = update.update_id + 1, forwarded + 1
            if once:
                return forwarded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.telegram")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("set-webhook", help="register PUBLIC_URL/webhooks/telegram")
    polling = commands.add_parser("poll", help="long-poll and feed the running gateway")
    polling.add_argument("--gateway", default=None, help="default: the configured gateway")
    polling.add_argument("--once", action="store_true", help="one round, then stop")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    quiet_chatty_libraries()
    settings = Settings()
    bot = make_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api)

    async def run() -> int:
        async with bot:
            if args.command == "set-webhook":
                print(f"webhook set: {await set_webhook(bot, settings)}")
                return 0
            gateway = args.gateway or f"http://127.0.0.1:{settings.gateway_port}"
            print(f"forwarding Telegram updates to {gateway}{WEBHOOK_PATH} (Ctrl-C stops)")
            await poll(bot, settings, gateway, once=args.once)
            return 0

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
