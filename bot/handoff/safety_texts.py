"""The safety messages of the domain (utter_urgent_*), for the gateway to send itself while
a person owns the conversation and Rasa is not asked: one source for both."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.safety import detect_danger
from bot.third_languages import detect_third_language_danger, safety_text

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"


@cache
def _responses() -> dict[str, list[dict]]:
    return yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]


def safety_message(category: str, language: str) -> str:
    name = f"utter_urgent_{category}"
    variations = _responses().get(name) or _responses()["utter_urgent_other"]
    for variation in variations:
        if {"type": "slot", "name": "language", "value": language} in variation.get(
            "condition", []
        ):
            return variation["text"]
    return variations[0]["text"]


def danger_reply(message: str, language: str) -> tuple[str, str] | None:
    """The danger category of a message and the safety text to send: the domain's, in the
    conversation's `language`, for French and Dutch phrases; else, for phrases of one of
    the seven other languages Brussels tenants write (bot/third_languages.py), the text
    in that language."""
    found = detect_danger(message)
    if found is not None:
        return found.category, safety_message(found.category, language)
    other = detect_third_language_danger(message)
    if other is not None:
        return other.category, safety_text(other.language, other.category)
    return None
