"""`make bench-cv`: 5-fold cross-validated intent macro-F1 per language on all of data/nlu.

Why: the held-out split (benchmarks/split.py) scores one fifth of the data once, and the
blind set is small; cross-validation scores every example once, out of fold, and the
per-fold spread shows how much one split's figure depends on which fifth was held out.

Folds: the i-th example (file order) of each (language, intent) goes to fold i % 5, so
each fold holds about a fifth of every intent of every language. Some short messages
("ok", "menu") are in both languages' data: a training example whose folded text (case,
accents, spacing) equals a held-out message of its fold is left out of that fold's
training file, so no held-out message is ever trained on.

Models, each trained NLU only on four folds and parsing the fifth:
- "classifier": language identifier, tokenizer, linear classifier; its top intent with
  "not understood" (nlu_fallback) set aside (benchmarks/blind_v2.py);
- "pipeline, not understood = miss": the whole NLU pipeline of config.yml, scored as a
  tenant sees it: nlu_fallback is a miss;
- the same pipeline without the classifier's robustness steps (benchmarks/robustness.py):
  what reading a message's parts and correcting its spelling cost or bring on messages
  written like the training data.

Per model and language: macro-F1 of the pooled out-of-fold predictions with a 95%
bootstrap interval (1,000 resamples of messages), accuracy, per-fold macro-F1 and the
share answered "not understood". Writes var/results/crossval.json and
benchmarks/figures/crossval.md."""

from __future__ import annotations

import asyncio
import gc
import logging
import statistics
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from benchmarks.blind_v2 import FALLBACK, classifier_only_config, interval, top_intent
from benchmarks.figures_io import publish
from benchmarks.robustness import before_config
from benchmarks.run import train
from benchmarks.split import LANGUAGES, ROOT, Example, load_examples, write_training_file

WORK = ROOT / "var" / "bench" / "crossval"
FOLDS = 5
MODELS = {
    "classifier": "classifier",
    "before": "pipeline without the robustness steps, not understood = miss",
    "pipeline": "pipeline, not understood = miss",
}


def folds(examples: list[Example], k: int = FOLDS) -> list[list[Example]]:
    """The i-th example of each (language, intent) goes to fold i % k."""
    parts: list[list[Example]] = [[] for _ in range(k)]
    seen: dict[tuple[str, str], int] = {}
    for example in examples:
        key = (example.language, example.intent)
        parts[seen.get(key, 0) % k].append(example)
        seen[key] = seen.get(key, 0) + 1
    return parts


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return " ".join("".join(c for c in decomposed if unicodedata.category(c) != "Mn").split())


def training_set(parts: list[list[Example]], k: int) -> list[Example]:
    """All folds but k, without any message that is also held out in fold k."""
    held = {folded(e.text) for e in parts[k]}
    return [e for j, p in enumerate(parts) if j != k for e in p if folded(e.text) not in held]


async def parse_all(model: Path, examples: list[Example]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    return [await agent.parse_message(e.text) for e in examples]


def scores(gold: list[str], said: list[str], fold_of: list[int], fallback: bool) -> dict:
    """One model, one language: pooled interval, per-fold macro-F1, not-understood share."""
    result = interval(gold, said)
    result["per_fold_macro_f1"] = []
    for k in sorted(set(fold_of)):
        g = [a for a, f in zip(gold, fold_of, strict=True) if f == k]
        p = [b for b, f in zip(said, fold_of, strict=True) if f == k]
        f1 = f1_score(g, p, average="macro", labels=sorted(set(g)), zero_division=0)
        result["per_fold_macro_f1"].append(f1)
    result["not_understood"] = said.count(FALLBACK) / len(said) if fallback else None
    return result


def measure() -> dict[str, Any]:
    parts = folds(load_examples())
    held: list[Example] = []
    fold_of: list[int] = []
    said: dict[str, list[str]] = {label: [] for label in MODELS.values()}
    seconds: dict[str, list[float]] = {label: [] for label in MODELS.values()}
    for k, part in enumerate(parts):
        work = WORK / f"fold{k}"
        data = work / "nlu.yml"
        train_set = training_set(parts, k)
        write_training_file(train_set, data)
        configs = {
            "classifier": classifier_only_config(work / "classifier_source.yml"),
            "before": before_config(work / "before_source.yml"),
            "pipeline": ROOT / "config.yml",
        }
        for name, config in configs.items():
            print(f"fold {k}: training {name} on {len(train_set)} examples...", flush=True)
            trained = train(name, config, data, work)
            seconds[MODELS[name]].append(round(trained.seconds, 1))
            parsed = asyncio.run(parse_all(trained.model, part))
            gc.collect()  # the agent is gone: one model in memory at a time
            if name == "classifier":
                said[MODELS[name]] += [top_intent(p) for p in parsed]
            else:  # as a tenant sees it: "not understood" is a miss
                tenant = [str((p.get("intent") or {}).get("name") or FALLBACK) for p in parsed]
                said[MODELS[name]] += tenant
        held += part
        fold_of += [k] * len(part)
    results: dict[str, Any] = {"examples": len(held), "folds": FOLDS, "training_seconds": seconds}
    for label in MODELS.values():
        for language in LANGUAGES:
            mine = [i for i, e in enumerate(held) if e.language == language]
            results.setdefault(label, {})[language] = scores(
                [held[i].intent for i in mine],
                [said[label][i] for i in mine],
                [fold_of[i] for i in mine],
                fallback=label != MODELS["classifier"],
            )
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        "| model | language | n | macro-F1 (95% CI) | per-fold macro-F1 mean (min–max) "
        "| accuracy | not understood |",
        "|---|---|---:|---|---|---:|---:|",
    ]
    for name in MODELS.values():
        for language in LANGUAGES:
            s = results[name][language]
            low, high = s["macro_f1_95"]
            fold = s["per_fold_macro_f1"]
            share = "–" if s["not_understood"] is None else f"{100 * s['not_understood']:.1f}%"
            lines.append(
                f"| {name} | {language} | {s['n']} | {s['macro_f1']:.3f} ({low:.3f}–{high:.3f}) "
                f"| {statistics.mean(fold):.3f} ({min(fold):.3f}–{max(fold):.3f}) "
                f"| {100 * s['accuracy']:.1f}% | {share} |"
            )
    return "\n".join(lines)


def main() -> int:
    started = time.perf_counter()
    results = measure()
    results["run_seconds"] = round(time.perf_counter() - started, 1)
    markdown = (
        "Generated by `make bench-cv` (benchmarks/crossval.py): 5-fold cross-validation on "
        f"data/nlu ({results['examples']} examples; the i-th example of each language and "
        "intent in fold i mod 5; each model trained on four folds and scored on the fifth, "
        "the out-of-fold predictions pooled; 95% CI: bootstrap, 1,000 resamples of messages; "
        "not understood: share answered nlu_fallback).\n\n" + table(results) + "\n"
    )
    publish("crossval", markdown, results)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
