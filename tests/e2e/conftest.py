"""Helpers of the end-to-end tests; the session's one Rasa server and action server (the
`assistant` fixture) are in tests/conftest.py, shared with tests/security."""

from __future__ import annotations


def texts(replies: list[dict]) -> list[str]:
    return [reply.get("text", "") for reply in replies]


def buttons(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]
