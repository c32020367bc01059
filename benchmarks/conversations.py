"""The conversation set's figures (issue 21) as a table: the main set (tests/conversations/,
which `make test` requires to pass whole) and the blind set (tests/conversations/blind/,
written with it before any tuning and never tuned on). Reads what
tests/e2e/test_conversation_set.py wrote (`make bench-conversations` runs both first)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).parents[1] / "var" / "results"
FIGURES = Path(__file__).parent / "figures"
SETS = {"main": "conversations.json", "blind": "conversations-blind.json"}


def table(reports: dict[str, dict]) -> str:
    lines = [
        "| set | conversations | passed | pass rate | tenant turns | identical consecutive "
        'replies | "not understood" turns |',
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, report in reports.items():
        s = report["summary"]
        lines.append(
            f"| {name} | {s['conversations']} | {s['passed']} | {s['pass_rate']:.1%} | "
            f"{s['tenant_turns']} | {s['identical_consecutive_replies']} | "
            f"{s['not_understood_turns']} ({s['not_understood_rate']:.1%}) |"
        )
    return "\n".join(lines)


def main() -> int:
    reports = {}
    for name, file in SETS.items():
        path = RESULTS / file
        if not path.exists():
            print(f"{path} is missing: run `make bench-conversations`", file=sys.stderr)
            return 1
        reports[name] = json.loads(path.read_text(encoding="utf-8"))
    text = table(reports)
    blind_failures = reports["blind"]["failures"]
    if blind_failures:
        text += "\n\nBlind set, what failed:\n" + "\n".join(
            f"- {conversation}: {'; '.join(failures)}"
            for conversation, failures in sorted(blind_failures.items())
        )
    (RESULTS / "conversations.md").write_text(text + "\n", encoding="utf-8")
    FIGURES.mkdir(exist_ok=True)  # the README's table, committed
    (FIGURES / "conversations.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
