"""The coordinators' signals page and its CSV export: anonymous weekly counts for the staff
member's housing company, small cells suppressed (bot/signals/summary.py). Coordinators and
admins see it; coordinators see nothing else of the console.

A separate section of the page counts the satisfaction question asked after a person's
help (bot/handoff/satisfaction.py): per week of the question, the handoffs of the staff
member's company, with the signals' suppression (the page only, not the CSV)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.console.access import audit
from bot.console.deps import CAN_SEE_SIGNALS, Staff, require_role
from bot.console.headers import with_style_hashes
from bot.console.i18n import reason_label, words
from bot.console.pages import render
from bot.console.response_times import weekly_breaches
from bot.core.deps import UnitOfWorkDep
from bot.handoff.satisfaction import ANSWERS, asked_between
from bot.lexicon import communes, topic_labels
from bot.signals.charts import line_chart
from bot.signals.summary import Cell, Summary, protect_column, shown, summarise, to_csv
from bot.signals.weeks import BRUSSELS, week_of

router = APIRouter(prefix="/console")
SignalsReader = Annotated[Staff, Depends(require_role(*CAN_SEE_SIGNALS))]
DEFAULT_WEEKS = 12
CHART_LINES = 6  # the most frequent topics or communes drawn; the tables have them all


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last 12 weeks, this one included."""
    last = week_of(datetime.now(timezone.utc)) if today is None else today
    return last - timedelta(weeks=DEFAULT_WEEKS - 1), last


def _dates(start: str | None, end: str | None) -> tuple[date, date]:
    first, last = default_range()
    try:
        return (
            date.fromisoformat(start) if start else first,
            date.fromisoformat(end) if end else last,
        )
    except ValueError as error:
        raise HTTPException(422, "dates as YYYY-MM-DD") from error


def _summary(session: Session, staff: Staff, start: date, end: date, action: str) -> Summary:
    summary = summarise(session, start, end, staff.company_id)
    audit(session, staff, action, detail=f"{summary.first}..{summary.last}")
    return summary


def satisfaction_counts(
    session: Session, company_id: str, weeks: list[date]
) -> dict[str, list[Cell]]:
    """Per week of the question: asked, answered, then each answer ("yes", "little", "no"),
    suppressed as the signals are. The answers add up to "answered", so a lone hidden
    answer in a week is covered as in a breakdown table (protect_column)."""
    start, end = (
        datetime.combine(monday, time(), BRUSSELS).astimezone(timezone.utc)
        for monday in (weeks[0], weeks[-1] + timedelta(weeks=1))
    )
    counts: Counter[tuple[date, str]] = Counter()
    for asked in asked_between(session, company_id, start, end):
        week = week_of(asked.asked_at)
        counts[(week, "asked")] += 1
        if asked.answer is not None:
            counts[(week, "answered")] += 1
            counts[(week, asked.answer)] += 1
    columns = []
    for week in weeks:
        answers = {answer: counts[(week, answer)] for answer in ANSWERS}
        cells = protect_column({a: shown(n) for a, n in answers.items()}, answers)
        columns.append(
            {
                "asked": shown(counts[(week, "asked")]),
                "answered": shown(counts[(week, "answered")]),
                **cells,
            }
        )
    return {row: [column[row] for column in columns] for row in ("asked", "answered", *ANSWERS)}


def label(dimension: str, value: str, language: str) -> str:
    """A row's name in the staff member's language (the id when there is none)."""
    if dimension == "commune" and value in communes():
        return communes()[value].name(language)
    if dimension == "topic":
        if value == "nlu_fallback":
            return words(language)["not_understood"]
        return topic_labels().get(value, {}).get(language, value)
    if dimension == "handoff":
        return reason_label(value, language)
    phone = "Telefoon" if language == "nl" else "Téléphone"
    names = {"sms": "SMS", "telegram": "Telegram", "whatsapp": "WhatsApp", "voice": phone}
    return names.get(value, value.upper())


def _most_frequent(table: dict[str, list[Cell]]) -> dict[str, list[Cell]]:
    """The rows with the most shown conversations (hidden cells play no part in the order);
    a row with nothing shown would be an empty line."""
    shown = {value: sum(c.value or 0 for c in cells) for value, cells in table.items()}
    ranked = sorted((value for value in table if shown[value]), key=lambda v: -shown[v])
    return {value: table[value] for value in ranked[:CHART_LINES]}


def page_context(summary: Summary, language: str) -> dict[str, Any]:
    """The page's tables and charts, with names in the staff member's language."""
    w = words(language)

    def named(dimension: str, table: dict[str, list[Cell]]) -> dict[str, list[Cell]]:
        rows = {label(dimension, value, language): cells for value, cells in table.items()}
        return dict(sorted(rows.items(), key=lambda row: row[0].casefold()))

    breakdowns = summary.breakdowns
    tables = [
        (dimension, w[f"per_{dimension}"], named(dimension, breakdowns[dimension]))
        for dimension in ("topic", "commune", "language", "channel")
    ]
    handoffs = {
        label("handoff", reason, language): rates for reason, rates in summary.handoffs.items()
    }
    weeks, note = summary.weeks, w["chart_note"]
    overview = {
        w["conversations"]: summary.conversations,
        w["not_understood"]: [r.cell for r in summary.not_understood],
        w["urgent_count"]: summary.urgent,
    }
    charts = [
        line_chart(w["chart_overview"], weeks, overview, note, w["no_data"]),
        line_chart(
            w["handoffs"],
            weeks,
            {name: [r.cell for r in rates] for name, rates in handoffs.items()},
            note,
            w["no_data"],
        ),
        line_chart(
            w["chart_topics"],
            weeks,
            named("topic", _most_frequent(breakdowns["topic"])),
            note,
            w["no_data"],
        ),
        line_chart(
            w["chart_communes"],
            weeks,
            named("commune", _most_frequent(breakdowns["commune"])),
            note,
            w["no_data"],
        ),
        line_chart(
            w["chart_languages"],
            weeks,
            {
                **named("language", breakdowns["language"]),
                **named("channel", breakdowns["channel"]),
            },
            note,
            w["no_data"],
        ),
    ]
    return {"summary": summary, "tables": tables, "handoffs": handoffs, "charts": charts}


@router.get("/signals", response_class=HTMLResponse)
async def signals_page(
    request: Request,
    staff: SignalsReader,
    work: UnitOfWorkDep,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
) -> Response:
    first, last = _dates(start, end)
    try:
        summary = await work.run(_summary, staff, first, last, "signals_view")
    except ValueError:
        return render(
            request, "signals.html", staff, status_code=422, error=True, first=first, last=last
        )
    context = page_context(summary, staff.language)
    satisfaction = await work.run(satisfaction_counts, staff.company_id, summary.weeks)
    response_times = await work.run(weekly_breaches, staff.company_id, summary.weeks, week_of)
    page = render(
        request,
        "signals.html",
        staff,
        error=False,
        first=summary.first,
        last=summary.last,
        satisfaction=satisfaction,
        response_times=response_times,
        **context,
    )
    return with_style_hashes(page)


@router.get("/signals.csv")
async def signals_csv(
    staff: SignalsReader,
    work: UnitOfWorkDep,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
) -> Response:
    first, last = _dates(start, end)
    try:
        summary = await work.run(_summary, staff, first, last, "signals_export")
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    name = f"signals-{staff.company_id}-{summary.first}-{summary.last}.csv"
    return Response(
        to_csv(summary),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
