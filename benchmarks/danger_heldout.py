"""`make bench-danger`: the danger classifier (bot/nlu/danger_classifier.py) against the
intent classifier's urgent_help, on development data only (issue 19).

Each development crisis set is held out in turn (v1, v2, v6 and v7, by four authors): the
danger classifier is trained, with the component's configuration, on the intents'
examples and the other set, and scored on the held-out set: recall on its danger
messages, false alarms on its near-misses. The intent classifier never learnt either set:
its urgent_help confidence comes from the trained model (`urgent_help_by_intent`). Then
the trained model's danger probability on the ordinary tenant turns of the main
conversation set (every turn not expected to be a danger, without a danger phrase). This
chose the threshold; no blind set is read here.

Also the situation's line for the held-out danger messages no danger phrase matches: by
the cue words (bot.safety.likely_situation, before) or by the situation model trained on
the other set (now)."""

from __future__ import annotations

import asyncio
import logging
import sys
from functools import partial
from typing import Any

import numpy as np
import yaml

from benchmarks.crisis import DEVELOPMENT_SETS, MODEL, load, load_set, percent
from benchmarks.figures_io import publish
from benchmarks.split import LANGUAGES, ROOT, load_examples
from bot.lexicon.folding import fold
from bot.nlu.danger_classifier import (
    DangerClassifier,
    line_of,
    trained_danger_model,
    trained_situation_model,
)
from bot.nlu.intent_overrides import URGENT_BY_INTENT
from bot.safety import detect_danger, likely_situation

THRESHOLDS = (0.4, 0.5, 0.55, 0.6, 0.65, 0.7)
HELD_OUT = {"v1": load, **{part: partial(load_set, part) for part in sorted(DEVELOPMENT_SETS)}}
CONVERSATIONS = ROOT / "tests" / "conversations"


def _intent_examples() -> list[tuple[str, bool]]:
    return [(e.text, e.intent == "urgent_help") for e in load_examples()]


def _crisis(name: str) -> list[dict[str, Any]]:
    return [m for language in LANGUAGES for m in HELD_OUT[name](language)]


def ordinary_turns() -> list[str]:
    turns = []
    for language in LANGUAGES:
        rows = yaml.safe_load((CONVERSATIONS / f"{language}.yml").read_text(encoding="utf-8"))
        for conversation in rows["conversations"]:
            for turn in conversation["turns"]:
                expected = turn.get("expect") or {}
                if expected.get("topic") != "danger" and detect_danger(turn["say"]) is None:
                    turns.append(turn["say"])
    return turns


async def _parse(texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(MODEL))
    return [await agent.parse_message(text) for text in texts]


def held_out(name: str, parsed: dict[str, dict[str, Any]]) -> dict[str, Any]:
    others = [m for other in HELD_OUT if other != name for m in _crisis(other)]
    config = DangerClassifier.get_default_config()
    crisis = [(m["text"], bool(m["danger"])) for m in others]
    model = trained_danger_model(config, _intent_examples(), crisis)
    messages = _crisis(name)
    column = list(model.classes_).index(True)
    danger_probability = model.predict_proba([fold(m["text"]) for m in messages])[:, column]
    by_intent = np.array([parsed[m["text"]].get(URGENT_BY_INTENT, 0.0) for m in messages])
    is_danger = np.array([bool(m["danger"]) for m in messages])
    rows = {}
    for threshold in THRESHOLDS:
        rows[str(threshold)] = {
            layer: {
                "recall": float((scores[is_danger] >= threshold).mean()),
                "false_alarms": float((scores[~is_danger] >= threshold).mean()),
            }
            for layer, scores in (("danger", danger_probability), ("intent", by_intent))
        }
    return {
        "danger": int(is_danger.sum()),
        "near_misses": int((~is_danger).sum()),
        **rows,
        "situations": situation_lines(name),
    }


def situation_lines(name: str) -> dict[str, int]:
    """On the held-out set's danger messages no danger phrase matches (their line comes
    from elsewhere): how many get the right situation's line from the cue words, and how
    many from the situation model trained on the other set."""
    others = [m for other in HELD_OUT if other != name for m in _crisis(other) if m["danger"]]
    config = DangerClassifier.get_default_config()
    model = trained_situation_model(config, [(m["text"], line_of(m["situation"])) for m in others])
    unmatched = [m for m in _crisis(name) if m["danger"] and detect_danger(m["text"]) is None]
    predicted = model.predict([fold(m["text"]) for m in unmatched]) if unmatched else []
    truth = [line_of(m["situation"]) for m in unmatched]
    return {
        "without_phrase": len(unmatched),
        "cue_words": sum(
            likely_situation(m["text"]) == t for m, t in zip(unmatched, truth, strict=True)
        ),
        "situation_model": sum(str(p) == t for p, t in zip(predicted, truth, strict=True)),
    }


def tables(results: dict[str, Any]) -> str:
    lines = [
        "| held out | threshold | danger | near-misses | danger classifier: recall "
        "| false alarms | intent classifier: recall | false alarms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in HELD_OUT:
        row = results[name]
        for threshold in THRESHOLDS:
            d, i = row[str(threshold)]["danger"], row[str(threshold)]["intent"]
            lines.append(
                f"| {name} | {threshold} | {row['danger']} | {row['near_misses']} | "
                f"{percent(d['recall'])} | {percent(d['false_alarms'])} | "
                f"{percent(i['recall'])} | {percent(i['false_alarms'])} |"
            )
    lines += [
        "",
        "| held out | danger messages no phrase matches | right line by cue words "
        "| right line by the situation model |",
        "|---|---:|---:|---:|",
    ]
    for name in HELD_OUT:
        row = results[name]["situations"]
        lines.append(
            f"| {name} | {row['without_phrase']} | {row['cue_words']} | {row['situation_model']} |"
        )
    ordinary = results["ordinary"]
    lines += [
        "",
        "| threshold | ordinary conversation turns | danger classifier alarms |",
        "|---:|---:|---:|",
    ]
    lines += [
        f"| {threshold} | {ordinary['turns']} | {ordinary[str(threshold)]} |"
        for threshold in THRESHOLDS
    ]
    return "\n".join(lines)


def main() -> int:
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train`", file=sys.stderr)
        return 1
    turns = ordinary_turns()
    crisis_texts = [m["text"] for name in HELD_OUT for m in _crisis(name)]
    parsed_list = asyncio.run(_parse(crisis_texts + turns))
    parsed = dict(zip(crisis_texts + turns, parsed_list, strict=True))
    results: dict[str, Any] = {name: held_out(name, parsed) for name in HELD_OUT}
    probabilities = [float(parsed[t].get("danger_probability") or 0.0) for t in turns]
    results["ordinary"] = {
        "turns": len(turns),
        **{str(t): sum(p >= t for p in probabilities) for t in THRESHOLDS},
    }
    markdown = (
        "Generated by `make bench-danger` (benchmarks/danger_heldout.py) on the development"
        " crisis sets v1, v2, v6 and v7 and the main conversation set.\n\n" + tables(results) + "\n"
    )
    publish("danger_heldout", markdown, results)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
