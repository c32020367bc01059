"""Distinct random values for every secret of the production profile, as an operator makes
them (`openssl rand -hex 32`; Twilio's and Telegram's own formats for theirs)."""

from __future__ import annotations

import secrets


def strong_secrets() -> dict[str, str]:
    return {
        "PSEUDONYM_KEY": secrets.token_hex(32),
        "INTERNAL_API_TOKEN": secrets.token_hex(32),
        "CONSOLE_SECRET": secrets.token_hex(32),
        "TELEGRAM_SECRET_TOKEN": secrets.token_hex(32),
        "RASA_TOKEN": secrets.token_hex(32),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TELEGRAM_BOT_TOKEN": f"7012345678:AAH{secrets.token_urlsafe(24)}",
    }
