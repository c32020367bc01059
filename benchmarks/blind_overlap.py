"""`make bench-overlap`: how much of each blind set is in the training data (issue 19).

A blind message counts as **the same** when, folded (lower case, no accents, punctuation as
spaces, spaces collapsed), it equals a training example; as **near** when it is not the
same but some training example of the same language scores at least NEAR_SCORE with
rapidfuzz's `ratio` (normalised Indel similarity, 0-100) on the folded texts. Both are left
out of the blind figures (benchmarks/blind_v2.py reads `kept()`); this report says how many.
The blind crisis set (v10) is compared with what the danger classifier learns: the intents'
examples and the development crisis sets (v1, v2, v6, v7); it is reported, not filtered. The
blind set in seven other languages is compared, per file, with the development set in the
same languages, from which the third-language phrases were written.
Writes var/results/blind_overlap.md and .json."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

import yaml
from rapidfuzz import fuzz, process

from benchmarks.crisis import (
    BLIND_SETS,
    DEVELOPMENT_SETS,
    load,
    load_set,
)
from benchmarks.crisis_third import FILES as THIRD_FILES
from benchmarks.figures_io import publish
from benchmarks.split import LANGUAGES, ROOT, blind_examples, load_examples
from bot.lexicon.folding import fold

BLIND_V2 = ROOT / "tests" / "data" / "blind_v2"
NEAR_SCORE = 90.0


@dataclass(frozen=True)
class BlindMessage:
    language: str
    intent: str
    text: str
    style: str = "clean"


def folded(text: str) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", fold(text)).split())


def blind_v2(languages: Iterable[str] = LANGUAGES) -> list[BlindMessage]:
    return [
        BlindMessage(language, row["intent"], row["text"], row.get("style", "clean"))
        for language in languages
        for row in yaml.safe_load((BLIND_V2 / f"{language}.yml").read_text(encoding="utf-8"))[
            "examples"
        ]
    ]


def blind_v1() -> list[BlindMessage]:
    return [BlindMessage(e.language, e.intent, e.text) for e in blind_examples()]


def training_texts() -> dict[str, set[str]]:
    texts: dict[str, set[str]] = {language: set() for language in LANGUAGES}
    for example in load_examples():
        texts[example.language].add(folded(example.text))
    return texts


def crisis_blind_sets() -> list[tuple[str, list[BlindMessage]]]:
    return [
        (
            part.replace("blind", "crisis"),
            [
                BlindMessage(lang, "crisis", m["text"])
                for lang in LANGUAGES
                for m in load_set(part, lang)
            ],
        )
        for part in sorted(BLIND_SETS)
    ]


def danger_training_texts() -> dict[str, set[str]]:
    """The danger classifier's training texts: the intents' examples and the development
    crisis sets."""
    texts = training_texts()
    for language in LANGUAGES:
        development = [
            *load(language),
            *(m for part in DEVELOPMENT_SETS for m in load_set(part, language)),
        ]
        texts[language] |= {folded(m["text"]) for m in development}
    return texts


def third_language_sets() -> tuple[list[tuple[str, list[BlindMessage]]], dict[str, set[str]]]:
    """The blind third-language crisis set, per file, and the development set in the same
    languages (tests/data/crisis_third_dev/), which the third-language phrases were written
    from."""
    blind, development = {}, {}
    for name in THIRD_FILES:
        for folder, into in (("crisis_third", blind), ("crisis_third_dev", development)):
            path = ROOT / "tests" / "data" / folder / f"{name}.yml"
            into[name] = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    messages = [
        BlindMessage(name, "crisis", m["text"]) for name in THIRD_FILES for m in blind[name]
    ]
    training = {name: {folded(m["text"]) for m in development[name]} for name in THIRD_FILES}
    return [("crisis third", messages)], training


def overlap(
    message: BlindMessage, training: dict[str, set[str]], pool: dict[str, list[str]]
) -> str:
    """'same', 'near' or 'new'."""
    text = folded(message.text)
    if text in training[message.language]:
        return "same"
    if process.extractOne(text, pool[message.language], scorer=fuzz.ratio, score_cutoff=NEAR_SCORE):
        return "near"
    return "new"


def kept(messages: list[BlindMessage]) -> list[BlindMessage]:
    """The messages neither the same as nor near a training example."""
    training = training_texts()
    pool = {language: sorted(texts) for language, texts in training.items()}
    return [m for m in messages if overlap(m, training, pool) == "new"]


def report() -> dict[str, dict[str, dict[str, int]]]:
    results: dict[str, dict[str, dict[str, int]]] = {}
    intent_sets = [("blind v1", blind_v1()), ("blind v2", blind_v2())]
    for sets, training in (
        (intent_sets, training_texts()),
        (crisis_blind_sets(), danger_training_texts()),
    ):
        _count(sets, training, results)
    third, third_training = third_language_sets()
    _count(third, third_training, results, tuple(THIRD_FILES))
    return results


def _count(
    sets: list[tuple[str, list[BlindMessage]]],
    training: dict[str, set[str]],
    results: dict[str, dict[str, dict[str, int]]],
    languages: tuple[str, ...] = LANGUAGES,
) -> None:
    pool = {language: sorted(texts) for language, texts in training.items()}
    for name, messages in sets:
        results[name] = {}
        for language in languages:
            counts = {"messages": 0, "same": 0, "near": 0, "new": 0}
            for message in (m for m in messages if m.language == language):
                counts["messages"] += 1
                counts[overlap(message, training, pool)] += 1
            results[name][language] = counts


def table(results: dict[str, dict[str, dict[str, int]]]) -> str:
    lines = [
        "| set | language | messages | same as training | near (ratio >= 90) | kept |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, languages in results.items():
        for language, c in languages.items():
            lines.append(
                f"| {name} | {language} | {c['messages']} | {c['same']} | {c['near']} "
                f"| {c['new']} |"
            )
    return "\n".join(lines)


def main() -> int:
    results = report()
    markdown = (
        "Generated by `make bench-overlap` (benchmarks/blind_overlap.py).\n\n"
        + table(results)
        + "\n"
    )
    publish("blind_overlap", markdown, results)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
