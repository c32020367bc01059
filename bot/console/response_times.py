"""How long requests waited against their housing company's response targets, counted in
office time (bot/handoff/hours.py): each waiting request's wait for the queue, for
supervisors the last 7 days' requests taken (or still waiting) past their target, and per
week on the signals page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import as_utc, utcnow
from bot.handoff.hours import office_minutes_between
from bot.handoff.models import Handoff, HousingCompany
from bot.hsds_profile import TIME_ZONE

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Wait:
    minutes: int  # office minutes waited so far (or until taken)
    target: int

    @property
    def over(self) -> bool:
        return self.minutes > self.target


def target_of(company: HousingCompany, urgent: bool) -> int:
    return company.target_urgent_minutes if urgent else company.target_other_minutes


def wait_of(company: HousingCompany, handoff: Handoff, now: datetime) -> Wait:
    """Until it was taken (claimed), closed, or now."""
    until = handoff.claimed_at or handoff.closed_at or now
    minutes = office_minutes_between(
        company.office_hours, company.holidays, as_utc(handoff.opened_at), as_utc(until)
    )
    return Wait(minutes, target_of(company, handoff.urgent))


def breaches_this_week(session: Session, company_id: str, now: datetime) -> tuple[int, int]:
    """(past their target, all) among the company's requests of the last 7 days."""
    company = session.get_one(HousingCompany, company_id)
    handoffs = session.scalars(
        select(Handoff).where(Handoff.company_id == company_id, Handoff.opened_at >= now - WEEK)
    ).all()
    late = sum(1 for handoff in handoffs if wait_of(company, handoff, now).over)
    return late, len(handoffs)


def weekly_breaches(
    session: Session, company_id: str, weeks: list[date], week_of: Callable[[datetime], date]
) -> dict[str, list[int]]:
    """Per week of opening: the company's requests, and those taken (or still waiting, or
    closed untaken) past their target. Staff's response times, not tenants: no small-number
    hiding, a supervisor needs the count."""
    if not weeks:
        return {"requests": [], "late": []}
    company = session.get_one(HousingCompany, company_id)
    start = datetime.combine(weeks[0], datetime.min.time(), tzinfo=TIME_ZONE)
    end = datetime.combine(weeks[-1] + WEEK, datetime.min.time(), tzinfo=TIME_ZONE)
    counts: Counter[tuple[date, str]] = Counter()
    now = utcnow()
    for handoff in session.scalars(
        select(Handoff).where(
            Handoff.company_id == company_id,
            Handoff.opened_at >= start,
            Handoff.opened_at < end,
        )
    ):
        week = week_of(as_utc(handoff.opened_at))
        counts[(week, "requests")] += 1
        counts[(week, "late")] += wait_of(company, handoff, now).over
    return {row: [counts[(week, row)] for week in weeks] for row in ("requests", "late")}
