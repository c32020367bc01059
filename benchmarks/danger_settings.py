"""`make bench-danger-settings`: settings of the danger classifier compared on development
data only (issue 19): the shipped one and the two tried on 2026-12-07 and left out (README,
"Learning the older blind sets, tried and left out").

For each setting:
- on the tuning split (benchmarks/split.py: the second of every five intent examples; the
  classifier trained on the rest, without the held-out split), the ordinary examples that
  raise an alarm (a danger phrase, or the classifier over the threshold and not dismissed)
  and, of its French ordinary questions, those that raise the classifier's alarm behind the
  robustness benchmark's polite opening (benchmarks/robustness.py PREAMBLE);
- each crisis set the setting learns, held out in turn (trained on all intent examples and
  the other sets): danger messages phrases and classifier together miss, and near-misses
  they alarm on.
No blind set and no held-out split is read. Writes var/results/danger_settings.json and .md."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from benchmarks.crisis import load as load_v1
from benchmarks.crisis import load_set, percent
from benchmarks.figures_io import publish
from benchmarks.robustness import PREAMBLE
from benchmarks.split import LANGUAGES, load_examples, tuning_split
from bot.lexicon.folding import fold
from bot.nlu.danger_classifier import DangerClassifier, trained_danger_model
from bot.nlu.intent_overrides import dismisses_classifier_alarm
from bot.safety import detect_danger

LEARNT_NOW = ("v2", "v6", "v7")
LEARNT_TRIED = ("v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9")
# name -> (crisis sets learnt besides v1, changes to the default configuration, threshold)
SETTINGS: dict[str, tuple[tuple[str, ...], dict[str, Any], float]] = {
    "shipped": (LEARNT_NOW, {}, 0.55),
    "reading 2": (LEARNT_TRIED, {"opening_share": 0.25}, 0.5),
    "reading 3": (
        LEARNT_TRIED,
        {"opening_share": 0.25, "intent_weight": 2.0, "C": 3.0},
        0.6,
    ),
}


def crisis_set(name: str) -> list[dict[str, Any]]:
    if name == "v1":
        return [m for language in LANGUAGES for m in load_v1(language)]
    return [m for language in LANGUAGES for m in load_set(name, language)]


def alarmed(text: str, probability: float, threshold: float) -> bool:
    if detect_danger(text) is not None:
        return True
    return bool(probability >= threshold) and not dismisses_classifier_alarm(text)


def danger_of(model: Any, texts: list[str]) -> np.ndarray:
    column = list(model.classes_).index(True)
    return model.predict_proba([fold(text) for text in texts])[:, column]


def measure(learnt: tuple[str, ...], changes: dict[str, Any], threshold: float) -> dict[str, Any]:
    config = {**DangerClassifier.get_default_config(), **changes}
    examples = load_examples()
    train, tuning = tuning_split(examples)
    sets = {name: crisis_set(name) for name in ("v1", *learnt)}
    every_crisis = [(m["text"], bool(m["danger"])) for ms in sets.values() for m in ms]
    intents = [(e.text, e.intent == "urgent_help") for e in train]
    model = trained_danger_model(config, intents, every_crisis)
    ordinary = [e.text for e in tuning if e.intent != "urgent_help"]
    french = [e.text for e in tuning if e.intent != "urgent_help" and e.language == "fr"]
    ordinary_alarms = sum(
        alarmed(text, p, threshold)
        for text, p in zip(ordinary, danger_of(model, ordinary), strict=True)
    )
    preamble = danger_of(model, [PREAMBLE["fr"] + text for text in french])
    all_intents = [(e.text, e.intent == "urgent_help") for e in examples]
    missed = danger = calm = false_alarms = 0
    for held in sets:
        others = [(m["text"], bool(m["danger"])) for n, ms in sets.items() if n != held for m in ms]
        fold_model = trained_danger_model(config, all_intents, others)
        messages = sets[held]
        for m, p in zip(
            messages, danger_of(fold_model, [m["text"] for m in messages]), strict=True
        ):
            caught = alarmed(m["text"], float(p), threshold)
            if m["danger"]:
                danger += 1
                missed += not caught
            else:
                calm += 1
                false_alarms += caught
    return {
        "threshold": threshold,
        "ordinary": len(ordinary),
        "ordinary_alarms": ordinary_alarms,
        "french_preamble": len(french),
        "preamble_alarms": int((preamble >= threshold).sum()),
        "held_out_danger": danger,
        "held_out_missed": missed,
        "held_out_near_misses": calm,
        "held_out_false_alarms": false_alarms / calm if calm else None,
    }


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| setting | threshold | tuning split: ordinary examples alarmed | French questions "
        "behind the polite opening, classifier alarms | crisis sets held out: danger missed "
        "| their near-misses alarmed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['threshold']} | {r['ordinary_alarms']} of {r['ordinary']} | "
            f"{r['preamble_alarms']} of {r['french_preamble']} | {r['held_out_missed']} of "
            f"{r['held_out_danger']} | {percent(r['held_out_false_alarms'])} of "
            f"{r['held_out_near_misses']} |"
        )
    return "\n".join(lines)


def main() -> int:
    results = {name: measure(*setting) for name, setting in SETTINGS.items()}
    markdown = (
        "Generated by `make bench-danger-settings` (benchmarks/danger_settings.py) on"
        " development data only: the tuning split and the crisis sets each setting learns"
        " (v1, v2, v6, v7 shipped; v1 to v9 tried).\n\n" + table(results) + "\n"
    )
    publish("danger_settings", markdown, results)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
