"""`make bench-crisis` (second part): the safety layer and the one-line answer in the seven
other languages (issue 19), on the blind third-language crisis set
(tests/data/crisis_third/, written by a helper session that saw neither the safety layer
nor its lexicon, frozen before it was read; its PROVENANCE.md says what was read when).

Per file (en, ar in Arabic script, ar_latn in Latin letters, tr, es, pt, ro, pl), through
the trained model's NLU pipeline as the assistant reads a tenant's message:
- danger messages: recall (urgent_help), the situation's own line, and the safety message
  in the message's own language (bot.third_languages picks it);
- near-misses: false alarms;
- long ordinary messages: the share answered with the one short line in their language and
  the offer of a person (a reliable language guess of that language, no alarm), as
  actions/turn.py does.
Writes var/results/crisis_third.json and crisis_third.md (and benchmarks/figures/)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import yaml

from benchmarks.crisis import CATEGORY_OF, MODEL, danger_category, percent, trained_agent
from benchmarks.figures_io import publish
from bot.third_languages import THIRD_LANGUAGES, detect_third_language_danger

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "tests" / "data" / "crisis_third"
# file name -> the language the answers should be in (Arabic in Latin letters gets Arabic)
FILES = {
    "en": "en",
    "ar": "ar",
    "ar_latn": "ar",
    "tr": "tr",
    "es": "es",
    "pt": "pt",
    "ro": "ro",
    "pl": "pl",
}
LONG_ORDINARY = "long_ordinary"


def load(name: str) -> list[dict[str, Any]]:
    raw = yaml.safe_load((FOLDER / f"{name}.yml").read_text(encoding="utf-8"))
    return [{**message, "file": name} for message in raw["messages"]]


async def judge(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    agent = trained_agent()
    judged = []
    for message in messages:
        parsed = await agent.parse_message(message["text"])
        found = detect_third_language_danger(message["text"])
        guess = parsed.get("language") or {}
        judged.append(
            {
                **message,
                "pipeline": danger_category(parsed),
                "line_language": found.language if found else None,
                "guess": guess.get("code") if guess.get("reliable") else None,
            }
        )
    return judged


def rates(rows: list[dict[str, Any]], answer_language: str) -> dict[str, Any]:
    danger = [row for row in rows if row["danger"]]
    near = [row for row in rows if not row["danger"] and row.get("style") != LONG_ORDINARY]
    long_ordinary = [row for row in rows if row.get("style") == LONG_ORDINARY]
    caught = [row for row in danger if row["pipeline"] is not None]
    one_line = [
        row for row in long_ordinary if row["pipeline"] is None and row["guess"] == answer_language
    ]
    return {
        "danger": len(danger),
        "recall": len(caught) / len(danger) if danger else None,
        "right_line": (
            sum(row["pipeline"] == CATEGORY_OF[row["situation"]] for row in caught) / len(danger)
            if danger
            else None
        ),
        # the safety message comes in the message's language only when its phrases matched
        "own_language": (
            sum(row["line_language"] == answer_language for row in caught) / len(danger)
            if danger
            else None
        ),
        "near_misses": len(near),
        "false_alarms": (
            sum(row["pipeline"] is not None for row in near) / len(near) if near else None
        ),
        "long_ordinary": len(long_ordinary),
        "one_line": len(one_line) / len(long_ordinary) if long_ordinary else None,
        "missed": [row["text"] for row in danger if row["pipeline"] is None],
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        "| file | danger | recall | right line | line in its language | near-misses "
        "| false alarms | long ordinary | one line in its language |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {row['danger']} | {percent(row['recall'])} | "
            f"{percent(row['right_line'])} | {percent(row['own_language'])} | "
            f"{row['near_misses']} | {percent(row['false_alarms'])} | "
            f"{row['long_ordinary']} | {percent(row['one_line'])} |"
        )
    return "\n".join(lines)


def main() -> int:
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train`", file=sys.stderr)
        return 1
    assert set(FILES.values()) == set(THIRD_LANGUAGES)
    messages = [message for name in FILES for message in load(name)]
    judged = asyncio.run(judge(messages))
    results = {
        name: rates([row for row in judged if row["file"] == name], language)
        for name, language in FILES.items()
    }
    markdown = (
        "Generated by `make bench-crisis` (benchmarks/crisis_third.py) from"
        " tests/data/crisis_third/ (blind), full pipeline of the trained model.\n\n"
        + table(results)
        + "\n"
    )
    publish("crisis_third", markdown, results)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
