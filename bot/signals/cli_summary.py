"""The coordinators' summary in the terminal, and the SAMPLE seeder:
`python -m bot.signals summary --from YYYY-MM-DD --to YYYY-MM-DD [--company ID] [--csv]` and
`python -m bot.signals seed-sample [--company ID] [--weeks N]`. The same summary (and the
same suppression) as the console's signals page and its CSV export."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import make_engine, make_session_factory
from bot.core.schema import require_current_schema
from bot.core.settings import get_settings
from bot.signals.sample import seed_sample
from bot.signals.summary import Summary, monday, summarise, to_csv
from bot.signals.weeks import week_of

LABEL_WIDTH, CELL_WIDTH = 24, 6


def add_commands(commands: argparse._SubParsersAction) -> None:
    summary = commands.add_parser("summary", help="print the coordinators' weekly summary")
    summary.add_argument(
        "--from", dest="start", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD"
    )
    summary.add_argument(
        "--to", dest="end", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD"
    )
    summary.add_argument("--company", default=None, help="housing company id (default: all)")
    summary.add_argument("--csv", action="store_true", help="CSV, as the console exports it")
    summary.add_argument("--database-url", default=None)
    summary.set_defaults(run=run_summary)
    sample = commands.add_parser("seed-sample", help="write SAMPLE signals (demos, tests)")
    sample.add_argument("--company", default="sample-company")
    sample.add_argument("--weeks", type=int, default=12)
    sample.add_argument(
        "--until",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="a day of the last week (default: this week)",
    )
    sample.add_argument("--database-url", default=None)
    sample.set_defaults(run=run_seed_sample)


def _sessions(database_url: str | None) -> sessionmaker[Session]:
    url = database_url or get_settings().database_url
    require_current_schema(url)  # migrated by `python -m bot.gateway migrate` only
    return make_session_factory(make_engine(url))


def run_summary(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up now: tests capture it
    try:
        with _sessions(args.database_url)() as session:
            summary = summarise(session, args.start, args.end, args.company)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.csv:
        out.write(to_csv(summary))
    else:
        out.write(as_text(summary))
    return 0


def run_seed_sample(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    last = monday(args.until) if args.until else week_of(datetime.now(timezone.utc))
    with _sessions(args.database_url)() as session:
        written = seed_sample(session, args.company, last, args.weeks)
        session.commit()
    out.write(
        f"SAMPLE signals: {written} made-up rows for {args.company}, "
        f"{args.weeks} weeks up to the week of {last.isoformat()}\n"
    )
    return 0


def _line(label: str, cells: list[str]) -> str:
    return label[:LABEL_WIDTH].ljust(LABEL_WIDTH) + "".join(c.rjust(CELL_WIDTH) for c in cells)


def _table(title: str, table: Mapping[str, Sequence[object]], header: str) -> list[str]:
    lines = ["", title, header]
    lines += [_line(value, [str(cell) for cell in cells]) for value, cells in table.items()]
    return lines if table else [*lines, "  (none)"]


def as_text(summary: Summary) -> str:
    """The summary as terminal tables: one column per week (its Monday, dd/mm)."""
    header = _line("week of", [week.strftime("%d/%m") for week in summary.weeks])
    scope = summary.company or "all housing companies"
    lines = [
        f"Signals {summary.first.isoformat()} to the week of {summary.last.isoformat()}, "
        f'{scope}. Distinct conversations per week; "<5": fewer than 5, hidden; '
        '"x": hidden so that a small cell cannot be worked out.'
    ]
    lines += _table("Conversations", {"all": summary.conversations}, header)
    for dimension, table in summary.breakdowns.items():
        lines += _table(f"Per {dimension}", table, header)
    lines += _table(
        "Handoffs per reason",
        {reason: [r.cell for r in rates] for reason, rates in summary.handoffs.items()},
        header,
    )
    lines += _table(
        "Handoff rate per reason (% of the week's conversations)",
        {reason: [r.percent() or "-" for r in rates] for reason, rates in summary.handoffs.items()},
        header,
    )
    missed = summary.not_understood
    missed_table: dict[str, Sequence[object]] = {
        "conversations": [r.cell for r in missed],
        "rate": [r.percent() or "-" for r in missed],
    }
    lines += _table("Not understood", missed_table, header)
    lines += _table("Urgent", {"conversations": summary.urgent}, header)
    return "\n".join(lines) + "\n"
