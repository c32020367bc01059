"""Deterministic held-out split of the NLU data: every fifth example of each intent and
language is held out for evaluation; the rest trains the benchmarked models. The shipped
model trains on everything."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NLU_DIR = ROOT / "data" / "nlu"
LANGUAGES = ("fr", "nl")
HOLDOUT_EVERY = 5
_ANNOTATION = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)|\[([^\]]+)\]\{[^}]+\}")


@dataclass(frozen=True)
class Example:
    language: str
    intent: str
    annotated: str  # as written in the training file, entity annotations included

    @property
    def text(self) -> str:
        return _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), self.annotated)


BLIND_DIR = ROOT / "tests" / "data"


def examples_in(path: Path, language: str) -> list[Example]:
    """The examples of one Rasa NLU training-data file."""
    return [
        Example(language, block["intent"], line[2:].strip())
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        for line in block["examples"].strip().splitlines()
    ]


def load_examples(nlu_dir: Path = NLU_DIR) -> list[Example]:
    return [
        example
        for language in LANGUAGES
        for path in sorted((nlu_dir / language).glob("*.yml"))
        for example in examples_in(path, language)
    ]


def blind_examples(languages: tuple[str, ...] = LANGUAGES) -> list[Example]:
    """The blind sets (tests/data/blind_nlu_*.yml), written before any tuning and never
    trained or tuned on."""
    return [
        example
        for language in languages
        for example in examples_in(BLIND_DIR / f"blind_nlu_{language}.yml", language)
    ]


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    train, test = [], []
    counters: dict[tuple[str, str], int] = {}
    for example in examples:
        key = (example.language, example.intent)
        counters[key] = counters.get(key, 0) + 1
        (test if counters[key] % HOLDOUT_EVERY == 0 else train).append(example)
    return train, test


def tuning_split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """(train, tuning): the tuning split is the example after each held-out one (the
    second of every five per intent and language); train holds neither it nor the
    held-out split, which stays for reporting only."""
    train, tuning = [], []
    counters: dict[tuple[str, str], int] = {}
    for example in examples:
        key = (example.language, example.intent)
        counters[key] = counters.get(key, 0) + 1
        position = counters[key] % HOLDOUT_EVERY
        if position == 1:
            tuning.append(example)
        elif position != 0:
            train.append(example)
    return train, tuning


def write_training_file(examples: list[Example], path: Path) -> None:
    by_intent: dict[str, list[str]] = {}
    for example in examples:
        by_intent.setdefault(example.intent, []).append(example.annotated)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {text}" for text in texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
