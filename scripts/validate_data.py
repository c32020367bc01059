"""`rasa data validate`, strict: every warning fails, except Rasa's false positive for a
response that is uttered by a custom action rather than by a story or rule. Each such
response must really be named in the action code, so an unused response still fails."""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

from rasa.shared.importers.importer import TrainingDataImporter
from rasa.validator import Validator

ROOT = Path(__file__).resolve().parent.parent
UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
# Rasa 3.6 prints this notice for every domain, whatever its slots say.
ALWAYS_PRINTED = "Slot auto-fill has been removed in 3.0"


def responses_named_in_actions() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "actions").glob("*.py"):
        names.update(re.findall(r"[\"'](utter_\w+)[\"']", path.read_text(encoding="utf-8")))
    return names


def form_questions(validator: Validator) -> set[str]:
    """utter_ask_<slot> of every required form slot: the form utters them."""
    return {
        f"utter_ask_{slot}"
        for form in validator.domain.forms.values()
        for slot in form.get("required_slots", [])
    }


def main() -> int:
    importer = TrainingDataImporter.load_from_config(
        config_path=str(ROOT / "config.yml"),
        domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(ROOT / "data")],
    )
    validator = Validator.from_importer(importer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checks = [
            validator.verify_domain_validity(),
            validator.verify_intents_in_stories(False),
            validator.verify_utterances_in_stories(False),
            validator.verify_nlu(False),
            validator.verify_story_structure(False),
            validator.verify_forms_in_stories_rules(),
            validator.verify_actions_in_stories_rules(),
            validator.verify_slot_mappings(),
            validator.verify_form_slots(),
        ]
    uttered_elsewhere = responses_named_in_actions() | form_questions(validator)
    problems = []
    for warning in caught:
        if issubclass(warning.category, DeprecationWarning):
            continue
        message = str(warning.message)
        unused = UNUSED.search(message)
        if (unused and unused.group(1) in uttered_elsewhere) or ALWAYS_PRINTED in message:
            continue
        problems.append(message)
    for message in problems:
        print(f"WARNING: {message}", file=sys.stderr)
    if problems or not all(checks):
        print(f"data validation failed: {len(problems)} warning(s)", file=sys.stderr)
        return 1
    print("data validation: clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
