"""`make bench-blind`: the frozen blind set v2 (tests/data/blind_v2/, issue 19), without the
messages that are the same as or near a training example (benchmarks/blind_overlap.py).

Models trained here on all of data/nlu, NLU only:
- "classifier": our language identifier, tokenizer and linear classifier, nothing after it;
- "pipeline": our whole NLU pipeline (config.yml): the overrides, the fallback, the safety
  layer. Scored twice: its top intent with "not understood" set aside (as the classifier
  is scored), and as a tenant sees it, where "not understood" (nlu_fallback) is a miss;
- with `--rasa-default`, also Rasa's default pipeline (benchmarks/rasa_default_config.yml),
  given none of our overrides: about 40 minutes of training on two cores.

Per language: accuracy and macro-F1 with a 95% bootstrap interval (1,000 resamples of the
messages), and the tenant-facing accuracy on clean messages against messages written the
ways tenants write. Writes var/results/blind_v2.json and blind_v2.md."""

from __future__ import annotations

import asyncio
import logging
import random
import sys
from pathlib import Path
from typing import Any

import yaml
from sklearn.metrics import accuracy_score, f1_score

from benchmarks.blind_overlap import BlindMessage, blind_v2, kept
from benchmarks.figures_io import publish
from benchmarks.run import nlu_only_config, train
from benchmarks.split import LANGUAGES, NLU_DIR, ROOT

WORK = ROOT / "var" / "bench" / "blind_v2"
CLASSIFIER = "bot.nlu.linear_classifier.CalibratedLinearIntentClassifier"
FALLBACK = "nlu_fallback"
RESAMPLES = 1000


def classifier_only_config(target: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    config["pipeline"] = config["pipeline"][: names.index(CLASSIFIER) + 1]
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def top_intent(parsed: dict[str, Any]) -> str:
    ranking = [row["name"] for row in parsed.get("intent_ranking") or []]
    return next((name for name in ranking if name != FALLBACK), FALLBACK)


def interval(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Accuracy and macro-F1 with their 95% bootstrap intervals."""
    rng = random.Random(0)
    n = len(gold)
    accuracies, f1s = [], []
    for _ in range(RESAMPLES):
        picks = [rng.randrange(n) for _ in range(n)]
        g, p = [gold[i] for i in picks], [predicted[i] for i in picks]
        accuracies.append(accuracy_score(g, p))
        f1s.append(f1_score(g, p, average="macro", labels=sorted(set(g)), zero_division=0))
    accuracies.sort()
    f1s.sort()
    low, high = int(0.025 * RESAMPLES), int(0.975 * RESAMPLES) - 1
    labels = sorted(set(gold))
    return {
        "n": n,
        "accuracy": accuracy_score(gold, predicted),
        "accuracy_95": [accuracies[low], accuracies[high]],
        "macro_f1": f1_score(gold, predicted, average="macro", labels=labels, zero_division=0),
        "macro_f1_95": [f1s[low], f1s[high]],
    }


async def predictions(model: Path, messages: list[BlindMessage]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    return [await agent.parse_message(message.text) for message in messages]


def scores(messages: list[BlindMessage], predicted: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for language in LANGUAGES:
        pairs = [(m, p) for m, p in zip(messages, predicted, strict=True) if m.language == language]
        result[language] = interval([m.intent for m, _ in pairs], [p for _, p in pairs])
        for kind, keep in (("clean", True), ("as tenants write", False)):
            mine = [(m, p) for m, p in pairs if (m.style == "clean") == keep]
            result[language][kind] = {
                "n": len(mine),
                "accuracy": sum(m.intent == p for m, p in mine) / len(mine) if mine else None,
            }
    return result


def measure(with_rasa_default: bool) -> dict[str, Any]:
    WORK.mkdir(parents=True, exist_ok=True)
    messages = kept(blind_v2())
    configs = {
        "classifier": classifier_only_config(WORK / "classifier_source.yml"),
        "pipeline": ROOT / "config.yml",
    }
    if with_rasa_default:
        configs["rasa_default"] = ROOT / "benchmarks" / "rasa_default_config.yml"
    results: dict[str, Any] = {"messages": len(messages)}
    for name, config in configs.items():
        model = train(name, nlu_only_config(config, WORK / f"{name}_source.yml"), NLU_DIR, WORK)
        parsed = asyncio.run(predictions(model.model, messages))
        results[name] = scores(messages, [top_intent(p) for p in parsed])
        if name == "pipeline":  # as a tenant sees it: "not understood" is a miss
            tenant = [str((p.get("intent") or {}).get("name") or FALLBACK) for p in parsed]
            results["pipeline, not understood = miss"] = scores(messages, tenant)
    return results


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def table(results: dict[str, Any]) -> str:
    lines = [
        "| model | language | n | accuracy (95% CI) | macro-F1 (95% CI) | clean "
        "| as tenants write |",
        "|---|---|---:|---|---|---:|---:|",
    ]
    for name, by_language in results.items():
        if not isinstance(by_language, dict):
            continue
        for language in LANGUAGES:
            s = by_language[language]
            low, high = s["accuracy_95"]
            f_low, f_high = s["macro_f1_95"]
            lines.append(
                f"| {name} | {language} | {s['n']} | {percent(s['accuracy'])} "
                f"({percent(low)}–{percent(high)}) | {s['macro_f1']:.3f} "
                f"({f_low:.3f}–{f_high:.3f}) | {percent(s['clean']['accuracy'])} "
                f"| {percent(s['as tenants write']['accuracy'])} |"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    results = measure("--rasa-default" in argv)
    markdown = (
        "Generated by `make bench-blind` (benchmarks/blind_v2.py) on the blind set v2 "
        f"without the messages in or near the training data ({results['messages']} kept).\n\n"
        + table(results)
        + "\n"
    )
    publish("blind_v2", markdown, results)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
