"""The training data honour the contract: every intent of the domain, in both languages,
one file per topic, at least 30 examples each, and no sentence with two labels."""

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from benchmarks.split import load_examples
from bot.lexicon.folding import fold

ROOT = Path(__file__).resolve().parents[2]
INTENTS = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
EXAMPLES = load_examples()
MIN_EXAMPLES = 30


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_intent_has_its_own_file_with_enough_examples(language):
    for intent in INTENTS:
        path = ROOT / "data" / "nlu" / language / f"{intent}.yml"
        assert path.exists(), path
        count = sum(1 for e in EXAMPLES if e.language == language and e.intent == intent)
        assert count >= MIN_EXAMPLES, f"{language}/{intent}: {count}"


def test_no_sentence_is_labelled_with_two_intents():
    labels: dict[str, set[str]] = defaultdict(set)
    for example in EXAMPLES:
        labels[fold(example.text)].add(example.intent)
    conflicts = {text: intents for text, intents in labels.items() if len(intents) > 1}
    assert conflicts == {}


def test_entity_annotations_name_known_entities():
    entities = set(yaml.safe_load((ROOT / "domain.yml").read_text())["entities"])
    for example in EXAMPLES:
        for name in re.findall(r"\]\((\w+)\)", example.annotated):
            assert name in entities, example.annotated
