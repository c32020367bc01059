"""The services a curator keeps, as their pages list them: which need confirming (not
confirmed for STALE_MONTHS, the ones the bot showed most last month first), which the bot
no longer recommends (past the directory's window), and which a caseworker or a tenant
reported closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.curation import ownership, shown
from bot.curation.models import ClosedReport, CuratedService
from bot.directory.indexing import parse_date
from bot.directory.models import SearchEntry, Service
from bot.lexicon.folding import fold

STALE_MONTHS = 10  # a service not confirmed for this long is listed to be confirmed
SHOWN_DAYS = 30  # "how often the bot recommended it last month"


@dataclass(frozen=True)
class ServiceRow:
    id: str
    name: str
    commune_id: str | None
    status: str
    assured_date: date | None
    shown: int  # times the bot showed it to a tenant in the last SHOWN_DAYS days
    reported_closed: bool
    company_id: str | None  # None: the region's

    def stale(self, today: date) -> bool:
        oldest = today - relativedelta(months=STALE_MONTHS)
        return self.status == "active" and (self.assured_date is None or self.assured_date < oldest)

    def past_window(self, today: date, window_months: int) -> bool:
        """Not recommended any more: not confirmed within the directory's window."""
        oldest = today - relativedelta(months=window_months)
        return self.status == "active" and (self.assured_date is None or self.assured_date < oldest)


def curated_rows(
    session: Session, company_id: str | None, today: date, words: str = ""
) -> list[ServiceRow]:
    """The services of `company_id` (every service when None: a regional curator), by
    name; only those whose name holds `words` when given."""
    query = select(Service.id, Service.document)
    if company_id is not None:
        query = query.join(CuratedService, CuratedService.service_id == Service.id).where(
            CuratedService.company_id == company_id
        )
    found = session.execute(query).tuples().all()
    wanted = fold(words)
    found = [(sid, doc) for sid, doc in found if not wanted or wanted in _searchable(doc)]
    ids = [service_id for service_id, _ in found]
    communes = _communes(session, ids)
    times_shown = shown.counts_since(session, today - timedelta(days=SHOWN_DAYS))
    reported = _reported(session)
    owners = ownership.owners(session, ids)
    rows = [
        ServiceRow(
            id=service_id,
            name=str(document.get("name", service_id)),
            commune_id=communes.get(service_id),
            status=str(document.get("status", "")),
            assured_date=parse_date(document.get("assured_date")),
            shown=times_shown.get(service_id, 0),
            reported_closed=service_id in reported,
            company_id=owners.get(service_id),
        )
        for service_id, document in found
    ]
    return sorted(rows, key=lambda row: fold(row.name))


def to_confirm(rows: list[ServiceRow], today: date) -> list[ServiceRow]:
    """Stale services, the ones tenants were sent to most first, then the oldest."""
    stale = [row for row in rows if row.stale(today)]
    return sorted(stale, key=lambda row: (-row.shown, row.assured_date or date.min))


def _searchable(document: dict[str, object]) -> str:
    translations = document.get("translations")
    dutch = translations.get("nl", {}) if isinstance(translations, dict) else {}
    names = [document.get("name"), dutch.get("name") if isinstance(dutch, dict) else None]
    return " ".join(fold(name) for name in names if isinstance(name, str))


def _communes(session: Session, ids: list[str]) -> dict[str, str | None]:
    if not ids:
        return {}
    rows = session.execute(
        select(SearchEntry.service_id, func.min(SearchEntry.commune_id)).group_by(
            SearchEntry.service_id
        )
    ).tuples()
    wanted = set(ids)
    return {service_id: commune for service_id, commune in rows if service_id in wanted}


def _reported(session: Session) -> set[str]:
    return set(
        session.scalars(select(ClosedReport.service_id).where(ClosedReport.resolved_at.is_(None)))
    )
