"""The coordinators' summary of the anonymous signals: weekly counts of distinct
conversations, for a range of weeks and one housing company (or all), with small cells
suppressed. The console page, its CSV export and the command line all read this, so the
three always agree.

Counting. A conversation token lives one week, so every count is per week: the distinct
conversations of that week with at least one turn in the cell (a conversation that touched
two topics counts once in each). There are no totals over the range: a range total minus
the weeks on show would give away a hidden week.

Suppression (k-anonymity, k = 5).
- Primary: a cell of fewer than 5 conversations (0 included, so a hidden cell never tells
  whether anyone is in it) is shown as "<5", never as its number.
- A rate is shown only when its numerator is shown (so at least 5) and its denominator, the
  week's conversations, is at least 5: a rate with a hidden numerator would give it back.
- Secondary: in a breakdown table (topic, commune, language, channel) the week's total is
  on show, so one hidden cell in a week's column could be worked out as the total minus
  the other cells. When exactly one cell of a column is hidden, the smallest shown cell of
  that column is hidden too, shown as "x" (hidden to protect a small cell). The reader then
  knows only the sum of the two, and the "<5" cell may be anything from 0 to 4 within it.
  Two or more hidden cells in a column already cover each other: only their sum shows.
  Rows with no value (no commune given) are left out of the breakdowns, and the handoff
  reasons do not add up to the total (most conversations have no handoff), so they need
  no secondary suppression."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import SQLColumnExpression, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.signals.models import SignalEvent

K = 5  # the smallest number of conversations a cell may show
SMALL, MASKED = "<5", "x"  # a small cell; a cell hidden to protect a small one
DIMENSIONS = ("topic", "commune", "language", "channel")
MAX_WEEKS = 53


@dataclass(frozen=True)
class Cell:
    """One count as it may be shown: `value` is None when hidden."""

    value: int | None
    masked: bool = False  # hidden by secondary suppression (the count is 5 or more)

    def __str__(self) -> str:
        if self.value is not None:
            return str(self.value)
        return MASKED if self.masked else SMALL


@dataclass(frozen=True)
class Rate:
    """A count with its share of the week's conversations (None when not shown)."""

    cell: Cell
    share: float | None

    def percent(self) -> str:
        return "" if self.share is None else f"{round(100 * self.share)}%"


@dataclass
class Summary:
    first: date  # the Monday of the first week
    last: date  # the Monday of the last week
    company: str | None  # None: every housing company (and rows with none)
    weeks: list[date]
    conversations: list[Cell]  # per week
    breakdowns: dict[str, dict[str, list[Cell]]]  # dimension -> value -> per week
    handoffs: dict[str, list[Rate]]  # handoff reason -> per week
    not_understood: list[Rate]
    urgent: list[Cell]
    notes: list[str] = field(default_factory=list)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_range(start: date, end: date) -> list[date]:
    """The Mondays of the weeks from the one holding `start` to the one holding `end`."""
    first, last = monday(start), monday(end)
    if last < first:
        raise ValueError("the range ends before it starts")
    count = (last - first).days // 7 + 1
    if count > MAX_WEEKS:
        raise ValueError(f"at most {MAX_WEEKS} weeks at a time")
    return [first + timedelta(weeks=n) for n in range(count)]


def shown(count: int) -> Cell:
    return Cell(count if count >= K else None)


def rate(count: int, total: int) -> Rate:
    cell = shown(count)
    share = count / total if cell.value is not None and total >= K else None
    return Rate(cell, share)


def protect_column(cells: dict[str, Cell], counts: dict[str, int]) -> dict[str, Cell]:
    """Secondary suppression of one week's column of a breakdown table (see the module)."""
    hidden = [value for value, cell in cells.items() if cell.value is None]
    visible = [value for value, cell in cells.items() if cell.value is not None]
    if len(hidden) != 1 or not visible:
        return cells
    smallest = min(visible, key=lambda value: (counts[value], value))
    return {**cells, smallest: Cell(None, masked=True)}


def _counts(
    session: Session,
    weeks: list[date],
    company: str | None,
    column: SQLColumnExpression[Any] | None = None,
    condition: ColumnElement[bool] | None = None,
) -> dict[tuple[date, Any], int]:
    """Distinct conversations per week (and per value of `column`, rows without one left out)."""
    keys: list[SQLColumnExpression[Any]] = [SignalEvent.week]
    if column is not None:
        keys.append(column)
    statement = (
        select(*keys, func.count(func.distinct(SignalEvent.conversation)))
        .where(SignalEvent.week >= weeks[0], SignalEvent.week <= weeks[-1])
        .group_by(*keys)
    )
    if company is not None:
        statement = statement.where(SignalEvent.company_id == company)
    if column is not None:
        statement = statement.where(column.is_not(None))
    if condition is not None:
        statement = statement.where(condition)
    found: dict[tuple[date, Any], int] = {}
    for row in session.execute(statement):
        found[(row[0], row[1] if column is not None else None)] = row[-1]
    return found


def summarise(session: Session, start: date, end: date, company: str | None) -> Summary:
    """The suppressed summary of the weeks from `start` to `end` for one company (or all)."""
    weeks = week_range(start, end)
    totals = {week: count for (week, _), count in _counts(session, weeks, company).items()}
    week_totals = [totals.get(week, 0) for week in weeks]

    breakdowns: dict[str, dict[str, list[Cell]]] = {}
    for dimension in DIMENSIONS:
        counts = _counts(session, weeks, company, getattr(SignalEvent, dimension))
        values = sorted({value for _, value in counts})
        columns = []
        for week in weeks:
            column_counts = {value: counts.get((week, value), 0) for value in values}
            cells = {value: shown(count) for value, count in column_counts.items()}
            columns.append(protect_column(cells, column_counts))
        breakdowns[dimension] = {value: [column[value] for column in columns] for value in values}

    by_reason: dict[str, dict[date, int]] = defaultdict(dict)
    for (week, reason), count in _counts(
        session, weeks, company, SignalEvent.handoff_reason
    ).items():
        by_reason[reason][week] = count
    handoffs = {
        reason: [
            rate(counts.get(week, 0), total) for week, total in zip(weeks, week_totals, strict=True)
        ]
        for reason, counts in sorted(by_reason.items())
    }

    missed = _counts(session, weeks, company, condition=SignalEvent.understood.is_(False))
    urgent = _counts(session, weeks, company, condition=SignalEvent.urgent.is_(True))
    return Summary(
        first=weeks[0],
        last=weeks[-1],
        company=company,
        weeks=weeks,
        conversations=[shown(total) for total in week_totals],
        breakdowns=breakdowns,
        handoffs=handoffs,
        not_understood=[
            rate(missed.get((week, None), 0), total)
            for week, total in zip(weeks, week_totals, strict=True)
        ],
        urgent=[shown(urgent.get((week, None), 0)) for week in weeks],
    )


def rows(summary: Summary) -> list[dict[str, str]]:
    """The summary as flat rows (one per table cell), the CSV export's and the CLI's shape:
    section, item, week, conversations ("<5" or "x" when hidden), rate (percent or empty)."""
    out: list[dict[str, str]] = []

    def add(section: str, item: str, week: date, cell: Cell, share: str = "") -> None:
        out.append(
            {
                "section": section,
                "item": item,
                "week": week.isoformat(),
                "conversations": str(cell),
                "rate": share,
            }
        )

    for week, cell in zip(summary.weeks, summary.conversations, strict=True):
        add("conversations", "all", week, cell)
    for dimension, table in summary.breakdowns.items():
        for value, cells in table.items():
            for week, cell in zip(summary.weeks, cells, strict=True):
                add(dimension, value, week, cell)
    for reason, rates in summary.handoffs.items():
        for week, item in zip(summary.weeks, rates, strict=True):
            add("handoff", reason, week, item.cell, item.percent())
    for week, item in zip(summary.weeks, summary.not_understood, strict=True):
        add("not_understood", "all", week, item.cell, item.percent())
    for week, cell in zip(summary.weeks, summary.urgent, strict=True):
        add("urgent", "all", week, cell)
    return out


CSV_FIELDS = ("section", "item", "week", "conversations", "rate")


def to_csv(summary: Summary) -> str:
    """The CSV export (the console's and `python -m bot.signals summary --csv`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(summary))
    return out.getvalue()
