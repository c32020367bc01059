"""The safety messages of the domain (utter_urgent_*), for the gateway to send itself while
a person owns the conversation and Rasa is not asked: one source for both."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

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
