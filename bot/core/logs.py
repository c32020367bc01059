"""Logging of the gateway: its own lines carry pseudonyms only. Libraries that log request
bodies or URLs (phone numbers, chat ids, message texts) at INFO or DEBUG are kept at
WARNING."""

from __future__ import annotations

import logging

CHATTY_LIBRARIES = (
    "httpx",
    "httpcore",
    "telegram",
    "twilio",
    "aiohttp",
    "hpack",
    "multipart",
    "python_multipart",
)


def quiet_chatty_libraries() -> None:
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
