"""`make bench`: in one run, on the held-out split (benchmarks/split.py) and the blind set
(tests/data/blind_nlu_*.yml), our NLU pipeline against Rasa's default pipeline trained on
the same data: intent macro-F1 and accuracy per language, language identification,
parse latency p50/p95 (both models loaded in this process), training time and peak memory.
Prints a table with ratios and writes var/bench/results.json."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from sklearn.metrics import accuracy_score, f1_score

from benchmarks.split import (
    LANGUAGES,
    ROOT,
    Example,
    blind_examples,
    load_examples,
    split,
    write_training_file,
)
from bot.language_id import identify

OUT = ROOT / "var" / "bench"
PIPELINES = {
    "ours": ROOT / "config.yml",
    "rasa_default": ROOT / "benchmarks" / "rasa_default_config.yml",
}
LATENCY_ROUNDS = 3


@dataclass
class Trained:
    model: Path
    seconds: float
    peak_rss_mb: float


def nlu_only_config(source: Path, target: Path) -> Path:
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    config["policies"] = []
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def train(name: str, config: Path, data: Path, workdir: Path = OUT) -> Trained:
    """Train in a child process; its own peak memory comes from wait4's rusage."""
    out = workdir / "models" / name
    command = [
        str(Path(sys.executable).parent / "rasa"),
        "train",
        "nlu",
        "--quiet",
        "-c",
        str(nlu_only_config(config, workdir / f"{name}_config.yml")),
        "--nlu",
        str(data),
        "--out",
        str(out),
        "--fixed-model-name",
        name,
    ]
    started = time.perf_counter()
    log = (workdir / f"{name}_train.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"training {name} failed, see {log.name}")
    return Trained(out / f"{name}.tar.gz", time.perf_counter() - started, usage.ru_maxrss / 1024)


def top_intent(parsed: dict) -> str:
    """The classifier's answer, before the fallback steps in."""
    return next(row["name"] for row in parsed["intent_ranking"] if row["name"] != "nlu_fallback")


async def evaluate(agents: dict, examples: list[Example]) -> dict:
    scores: dict = {}
    for name, agent in agents.items():
        predictions = [top_intent(await agent.parse_message(e.text)) for e in examples]
        for language in LANGUAGES:
            pairs = [
                (e.intent, p)
                for e, p in zip(examples, predictions, strict=True)
                if e.language == language
            ]
            gold, predicted = zip(*pairs, strict=True)
            scores.setdefault(name, {})[language] = {
                "macro_f1": round(f1_score(gold, predicted, average="macro"), 3),
                "accuracy": round(accuracy_score(gold, predicted), 3),
                "n": len(pairs),
            }
    return scores


async def latency(agents: dict, examples: list[Example]) -> dict:
    """Interleaved so that both models see the same machine load."""
    timings: dict[str, list[float]] = {name: [] for name in agents}
    for _ in range(LATENCY_ROUNDS):
        for example in examples:
            for name, agent in agents.items():
                started = time.perf_counter()
                await agent.parse_message(example.text)
                timings[name].append((time.perf_counter() - started) * 1000)
    return {
        name: {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(statistics.quantiles(values, n=20)[18], 2),
        }
        for name, values in timings.items()
    }


def language_identification(examples: list[Example]) -> dict:
    guesses = [(e, identify(e.text)) for e in examples]
    reliable = [(e, g) for e, g in guesses if g.reliable]
    return {
        "accuracy_all": round(sum(g.code == e.language for e, g in guesses) / len(guesses), 3),
        "reliable_share": round(len(reliable) / len(guesses), 3),
        "accuracy_reliable": round(
            sum(g.code == e.language for e, g in reliable) / max(len(reliable), 1), 4
        ),
    }


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}x" if baseline else "-"


def report(results: dict) -> str:
    lines = [
        f"NLU benchmark {results['date']} on {results['machine']}",
        f"held-out: {results['held_out_size']} messages, trained on {results['train_size']}; "
        f"blind: {results['blind_size']} messages written without seeing the training data",
        "",
        f"{'metric':<34}{'ours':>10}{'rasa default':>14}{'ratio':>9}",
    ]
    ours, base = results["quality"]["ours"], results["quality"]["rasa_default"]
    for split_name in ("held_out", "blind"):
        for language in LANGUAGES:
            for metric in ("macro_f1", "accuracy"):
                a, b = ours[split_name][language][metric], base[split_name][language][metric]
                label = f"{split_name} {language} {metric}"
                lines.append(f"{label:<34}{a:>10.3f}{b:>14.3f}{ratio(a, b):>9}")
    for metric in ("p50_ms", "p95_ms"):
        a, b = results["latency"]["ours"][metric], results["latency"]["rasa_default"][metric]
        lines.append(f"{'parse latency ' + metric:<34}{a:>10.2f}{b:>14.2f}{ratio(a, b):>9}")
    for metric in ("seconds", "peak_rss_mb"):
        a, b = results["training"]["ours"][metric], results["training"]["rasa_default"][metric]
        lines.append(f"{'training ' + metric:<34}{a:>10.1f}{b:>14.1f}{ratio(a, b):>9}")
    lid = results["language_identification"]
    lines += [
        "",
        f"language identification (lingua, fr/nl + 7 others): accuracy {lid['accuracy_all']:.3f} "
        f"on all held-out messages; {lid['reliable_share']:.0%} are long and clear enough to "
        f"switch the conversation, and of those {lid['accuracy_reliable']:.2%} are right",
    ]
    return "\n".join(lines)


async def measure(agents: dict, held_out: list[Example], blind: list[Example]) -> dict:
    held = await evaluate(agents, held_out)
    unseen = await evaluate(agents, blind)
    quality = {name: {"held_out": held[name], "blind": unseen[name]} for name in agents}
    return {"quality": quality, "latency": await latency(agents, held_out)}


def main() -> int:
    from rasa.core.agent import Agent

    OUT.mkdir(parents=True, exist_ok=True)
    train_set, held_out = split(load_examples())
    data = OUT / "train" / "nlu.yml"
    write_training_file(train_set, data)
    trained = {}
    for name, config in PIPELINES.items():
        print(f"training {name} on {len(train_set)} examples...", flush=True)
        trained[name] = train(name, config, data)
    agents = {name: Agent.load(str(t.model)) for name, t in trained.items()}
    blind = blind_examples()
    measured = asyncio.run(measure(agents, held_out, blind))
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "train_size": len(train_set),
        "held_out_size": len(held_out),
        "blind_size": len(blind),
        **measured,
        "training": {
            name: {"seconds": round(t.seconds, 1), "peak_rss_mb": round(t.peak_rss_mb, 1)}
            for name, t in trained.items()
        },
        "language_identification": language_identification(held_out),
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    table = report(results)
    (OUT / "results.txt").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
