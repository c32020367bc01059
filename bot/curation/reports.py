""" "This place was closed": a caseworker's one-click report from a conversation (or a
tenant's), flagged to the service's curators until one of them deals with it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.curation.models import ClosedReport

SOURCES = ("caseworker", "tenant")


def report_closed(
    session: Session,
    service_id: str,
    source: str,
    handoff_id: int | None = None,
    staff_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Flag the service; False when it was already flagged (one open report is enough)."""
    if source not in SOURCES:
        raise ValueError(f"unknown report source {source!r}")
    if open_report(session, service_id) is not None:
        return False
    session.add(
        ClosedReport(
            service_id=service_id,
            source=source,
            handoff_id=handoff_id,
            staff_id=staff_id,
            created_at=now or utcnow(),
        )
    )
    return True


def open_report(session: Session, service_id: str) -> ClosedReport | None:
    return session.scalar(
        select(ClosedReport)
        .where(ClosedReport.service_id == service_id, ClosedReport.resolved_at.is_(None))
        .limit(1)
    )


def open_reports(session: Session, service_ids: Iterable[str] | None = None) -> list[ClosedReport]:
    """Open reports, oldest first (of these services only, when given)."""
    query = select(ClosedReport).where(ClosedReport.resolved_at.is_(None))
    if service_ids is not None:
        query = query.where(ClosedReport.service_id.in_(list(service_ids)))
    return list(session.scalars(query.order_by(ClosedReport.created_at)))


def reported_for_handoff(session: Session, handoff_id: int) -> set[str]:
    return set(
        session.scalars(
            select(ClosedReport.service_id).where(ClosedReport.handoff_id == handoff_id)
        )
    )


def resolve(session: Session, service_id: str, staff_id: int, now: datetime | None = None) -> int:
    """The curator dealt with it (confirmed the service, or changed it)."""
    result = session.execute(
        update(ClosedReport)
        .where(ClosedReport.service_id == service_id, ClosedReport.resolved_at.is_(None))
        .values(resolved_at=now or utcnow(), resolved_by=staff_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)
