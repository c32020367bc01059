"""The safety messages of the domain (utter_urgent_*), for the gateway to send itself while
a person owns the conversation and Rasa is not asked: one source for both."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.safety import detect_danger
from bot.third_languages import all_third_language_texts, detect_third_language_danger, safety_text

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


@cache
def safety_texts() -> frozenset[str]:
    """Every safety message the assistant can send (the domain's, both languages, and the
    seven other languages'): how a channel tells a safety message from other answers."""
    found = {
        variation["text"]
        for name, variations in _responses().items()
        if name.startswith("utter_urgent_") and name != "utter_urgent_handoff"
        for variation in variations
    }
    return frozenset(found | set(all_third_language_texts()))


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
