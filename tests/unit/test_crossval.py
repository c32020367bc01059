"""The pure parts of benchmarks/crossval.py, without training: the folds, the training
files, the bootstrap interval and the table."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.crossval import FOLDS, MODELS, folded, folds, scores, table, training_set
from benchmarks.split import LANGUAGES, Example, examples_in, load_examples, write_training_file


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_examples()


@pytest.fixture(scope="module")
def parts(examples: list[Example]) -> list[list[Example]]:
    return folds(examples)


def test_every_example_is_in_exactly_one_fold(examples, parts):
    assert len(parts) == FOLDS
    assert sum(len(part) for part in parts) == len(examples)
    assert Counter(e for part in parts for e in part) == Counter(examples)


def test_each_fold_holds_about_a_fifth_of_each_intent_of_each_language(examples, parts):
    totals = Counter((e.language, e.intent) for e in examples)
    for part in parts:
        counts = Counter((e.language, e.intent) for e in part)
        assert set(counts) == set(totals)
        for key, total in totals.items():
            assert total // FOLDS <= counts[key] <= -(-total // FOLDS)


def test_the_folds_are_deterministic(examples, parts):
    assert folds(examples) == parts


@pytest.mark.parametrize("k", range(FOLDS))
def test_the_training_file_of_a_fold_never_holds_its_held_out_examples(parts, k, tmp_path):
    path = tmp_path / "nlu.yml"
    write_training_file(training_set(parts, k), path)
    trained = {folded(e.text) for e in examples_in(path, "any")}
    assert trained
    assert not trained & {folded(e.text) for e in parts[k]}
    # only messages also held out were left out of the other four folds
    others = [e for j, part in enumerate(parts) if j != k for e in part]
    assert len(examples_in(path, "any")) > 0.95 * len(others)


def test_entity_annotations_are_kept_in_the_training_file(parts, tmp_path: Path):
    path = tmp_path / "nlu.yml"
    write_training_file(training_set(parts, 0), path)
    written = path.read_text(encoding="utf-8")
    annotated = [e for e in training_set(parts, 0) if e.annotated != e.text]
    assert annotated
    assert all(f"- {e.annotated}\n" in written for e in annotated)


def test_the_bootstrap_interval_contains_the_point_estimate():
    rng = random.Random(1)
    intents = ["greet", "thank", "inform", "deny"]
    gold = [rng.choice(intents) for _ in range(300)]
    said = [g if rng.random() < 0.8 else rng.choice(intents) for g in gold]
    folds_of = [i % FOLDS for i in range(len(gold))]
    s = scores(gold, said, folds_of, fallback=True)
    low, high = s["macro_f1_95"]
    assert low < s["macro_f1"] < high
    assert len(s["per_fold_macro_f1"]) == FOLDS
    assert s["not_understood"] == 0
    assert scores(gold, said, folds_of, fallback=False)["not_understood"] is None


def test_the_table_renders_given_numbers():
    row = {
        "n": 120,
        "macro_f1": 0.8123,
        "macro_f1_95": [0.75, 0.86],
        "per_fold_macro_f1": [0.7, 0.8, 0.9, 0.8, 0.8],
        "accuracy": 0.85,
        "not_understood": 0.05,
    }
    results = {
        label: {
            language: {**row, "not_understood": None if i == 0 else 0.05} for language in LANGUAGES
        }
        for i, label in enumerate(MODELS.values())
    }
    lines = table(results).splitlines()
    assert lines[0].startswith("| model | language | n | macro-F1 (95% CI) |")
    assert len(lines) == 2 + len(MODELS) * len(LANGUAGES)
    assert (
        "| classifier | fr | 120 | 0.812 (0.750–0.860) | 0.800 (0.700–0.900) | 85.0% | – |" in lines
    )
    assert lines[-1] == (
        "| pipeline, not understood = miss | nl | 120 | 0.812 (0.750–0.860) "
        "| 0.800 (0.700–0.900) | 85.0% | 5.0% |"
    )
