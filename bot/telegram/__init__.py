"""Telegram administration: `python -m bot.telegram set-webhook | poll`."""
