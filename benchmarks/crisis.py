"""`make bench-crisis`: the safety layer on the frozen crisis sets (issue 19). For each set,
language and situation: recall (the message raises urgent_help), the rate of the right
situation's line (the danger category the safety message is chosen by), and false alarms
on the near-misses; each for the deterministic phrases alone and for the full NLU pipeline
(phrases plus the classifier's alarm).

The sets, each written by a helper session that never saw the safety layer or the data:
- v10 (tests/data/crisis_v10/): blind. Only reported; never read for development.
- v8, v5, v4, v3: blind until 2026-12-07, when their messages were read to try learning
  them (left out: README); read, not learnt, since.
- v9 (tests/data/crisis_v9/): development data, read, not learnt.
- v7, v6 (tests/data/crisis_v7/, crisis_v6/): written to be trained on, and learnt.
- v2 (tests/data/crisis_v2/): blind until its one reading on 2026-12-06, whose figures the
  README keeps; development data since.
- v1 (tests/data/crisis/), in two halves fixed by a hash of the text: the tuning half was
  development data from the start, the test half since 2026-12-06.
Each set's PROVENANCE.md says what was read when. Writes var/results/crisis.json and
var/results/crisis.md."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from benchmarks.figures_io import publish
from bot.safety import detect_danger

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CRISIS = DATA / "crisis"  # v1, split in two halves (below)
# Every other set: its part's name in the tables and its folder under tests/data.
FOLDERS = {
    "v2": "crisis_v2",
    "v6": "crisis_v6",  # development: written to be trained on
    "v7": "crisis_v7",  # development: everyday trouble, strong words
    "v3": "crisis_v3",  # blind v3, v4, v5 and v8 until 2026-12-07: development since
    "v4": "crisis_v4",
    "v5": "crisis_v5",
    "v8": "crisis_v8",
    "v9": "crisis_v9",  # development: long polite first messages
    "blind v10": "crisis_v10",
}
DEVELOPMENT_SETS = ("v7", "v6", "v2")  # with v1, learnt by the danger classifier
# blind until 2026-12-07 (v9: development data never learnt); read since, not learnt
READ_SETS = ("v9", "v8", "v5", "v4", "v3")
BLIND_SETS = ("blind v10",)  # only reported
PARTS = (*BLIND_SETS, *READ_SETS, *DEVELOPMENT_SETS, "v1 test", "v1 tuning")
MODEL = ROOT / "models" / "tenant-assistant.tar.gz"
LANGUAGES = ("fr", "nl")
URGENT = "urgent_help"
# The set's situations and the safety layer's categories (bot/safety.py) that choose the
# right line; a child left alone has no line of its own: the general safety message.
CATEGORY_OF = {
    "suicide": "suicide",
    "violence": "violence",
    "medical": "medical",
    "fire": "fire",
    "gas": "gas",
    "co": "co",
    "poison": "poison",
    "child_alone": "other",
    "other": "other",
}


def half(text: str) -> str:
    """'tuning' or 'test' (the crisis set v1's halves), fixed by the text's hash."""
    return "tuning" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "test"


def _read(folder: Path, language: str) -> list[dict[str, Any]]:
    messages = yaml.safe_load((folder / f"{language}.yml").read_text(encoding="utf-8"))
    return [{**message, "language": language} for message in messages["messages"]]


def load(language: str) -> list[dict[str, Any]]:
    """The crisis set v1's messages of one language, each with its half."""
    return [{**m, "half": half(m["text"])} for m in _read(CRISIS, language)]


def load_set(part: str, language: str) -> list[dict[str, Any]]:
    """The messages of one set other than v1 ("v2", "blind v3"...) in one language."""
    return [{**m, "half": part} for m in _read(DATA / FOLDERS[part], language)]


def load_all(language: str) -> list[dict[str, Any]]:
    """Every set's messages; "half" names the part: blind v10, v9 ... v2, v1 test, v1
    tuning."""
    v1 = [{**m, "half": f"v1 {m['half']}"} for m in load(language)]
    others = [
        m for part in BLIND_SETS + READ_SETS + DEVELOPMENT_SETS for m in load_set(part, language)
    ]
    return [*others, *v1]


def danger_category(parsed: dict[str, Any]) -> str | None:
    """The category the pipeline's urgent_help carries, None when it raised no alarm."""
    if (parsed.get("intent") or {}).get("name") != URGENT:
        return None
    for entity in parsed.get("entities") or []:
        if entity.get("entity") == "danger":
            return str(entity.get("value"))
    return "other"


def trained_agent() -> Any:
    """The trained model's agent, quiet (no log line per parsed message)."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    return Agent.load(str(MODEL))


async def judge(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    agent = trained_agent()
    judged = []
    for message in messages:
        phrase = detect_danger(message["text"])
        parsed = await agent.parse_message(message["text"])
        judged.append(
            {
                **message,
                "phrases": phrase.category if phrase else None,
                "pipeline": danger_category(parsed),
                # a weak alarm during a question gets one 112 line (actions/weak_alarm.py)
                "weak": bool((parsed.get("alarm") or {}).get("weak")),
            }
        )
    return judged


def rates(rows: list[dict[str, Any]], layer: str) -> dict[str, Any]:
    danger = [row for row in rows if row["danger"]]
    calm = [row for row in rows if not row["danger"]]
    caught = [row for row in danger if row[layer] is not None]
    right = [row for row in caught if row[layer] == CATEGORY_OF[row["situation"]]]
    alarms = [row for row in calm if row[layer] is not None]
    wrong = [row for row in caught if row[layer] != CATEGORY_OF[row["situation"]]]
    return {
        "danger": len(danger),
        "recall": len(caught) / len(danger) if danger else None,
        "right_line": len(right) / len(danger) if danger else None,
        # of the alarms with another situation's line, those with the general line
        "wrong_line_general": (
            sum(row[layer] == "other" for row in wrong) / len(wrong) if wrong else None
        ),
        "near_misses": len(calm),
        "false_alarms": len(alarms) / len(calm) if calm else None,
        # alarms marked weak: during a question, only a 112 line and no urgent handoff
        "weak_of_danger": (
            sum(row.get("weak", False) for row in caught) / len(danger)
            if danger and layer == "pipeline"
            else None
        ),
        "weak_of_false_alarms": (
            sum(row.get("weak", False) for row in alarms) / len(alarms)
            if alarms and layer == "pipeline"
            else None
        ),
        "missed": [row["text"] for row in danger if row[layer] is None],
    }


def summarise(judged: list[dict[str, Any]]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for part in PARTS:
        rows = [row for row in judged if row["half"] == part]
        for language in LANGUAGES:
            mine = [row for row in rows if row["language"] == language]
            for layer in ("phrases", "pipeline"):
                results[f"{part}/{language}/{layer}"] = rates(mine, layer)
            by_situation: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in mine:
                key = row["situation"] if row["danger"] else row.get("near_miss_of", "other")
                by_situation[key].append(row)
            results[f"{part}/{language}/situations"] = {
                situation: rates(group, "pipeline")
                for situation, group in sorted(by_situation.items())
            }
    return results


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def table(results: dict[str, Any]) -> str:
    lines = [
        "| set | language | layer | danger | recall | right line | near-misses | false alarms "
        "| weak, of danger | weak, of false alarms |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for part in PARTS:
        for language in LANGUAGES:
            for layer in ("phrases", "pipeline"):
                row = results[f"{part}/{language}/{layer}"]
                lines.append(
                    f"| {part} | {language} | {layer} | {row['danger']} | "
                    f"{percent(row['recall'])} | {percent(row['right_line'])} | "
                    f"{row['near_misses']} | {percent(row['false_alarms'])} | "
                    f"{percent(row['weak_of_danger'])} | {percent(row['weak_of_false_alarms'])} |"
                )
    return "\n".join(lines)


def situations_table(results: dict[str, Any], part: str) -> str:
    """One part's full pipeline per language and situation (near-misses by the situation
    whose words they borrow)."""
    lines = [
        "| language | situation | danger | recall | right line | near-misses | false alarms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for language in LANGUAGES:
        for situation, row in results[f"{part}/{language}/situations"].items():
            lines.append(
                f"| {language} | {situation} | {row['danger']} | {percent(row['recall'])} | "
                f"{percent(row['right_line'])} | {row['near_misses']} | "
                f"{percent(row['false_alarms'])} |"
            )
    return "\n".join(lines)


def main() -> int:
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train`", file=sys.stderr)
        return 1
    messages = [message for language in LANGUAGES for message in load_all(language)]
    judged = asyncio.run(judge(messages))
    results = summarise(judged)
    markdown = (
        "Generated by `make bench-crisis` (benchmarks/crisis.py) from tests/data/crisis_v10/"
        " (blind), tests/data/crisis_v9/, v8, v5, v4 and v3 (read, not learnt) and"
        " tests/data/crisis_v7/, v6, v2 and tests/data/crisis/ (v1; learnt).\n\n"
        + table(results)
        + "\n\nThe blind crisis set v10, full pipeline, per situation:\n\n"
        + situations_table(results, "blind v10")
        + "\n"
    )
    publish("crisis", markdown, results)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
