"""Every saved state of a service, so that a curator sees who changed what and when, and
can go back to an earlier state (a revert is itself a new version)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.curation.models import ServiceVersion
from bot.directory.store import load

# The fields a curator reads a change by; nested lists compare as a whole.
COMPARED = (
    "name",
    "description",
    "status",
    "assured_date",
    "minimum_age",
    "maximum_age",
    "translations",
    "organization",
    "phones",
    "languages",
    "cost_options",
    "schedules",
    "service_at_locations",
    "attributes",
)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        return []
    return [field for field in COMPARED if before.get(field) != after.get(field)]


def latest(session: Session, service_id: str) -> ServiceVersion | None:
    return session.scalar(
        select(ServiceVersion)
        .where(ServiceVersion.service_id == service_id)
        .order_by(ServiceVersion.number.desc())
        .limit(1)
    )


def record(
    session: Session,
    service_id: str,
    action: str,
    staff_id: int | None,
    staff_name: str,
    now: datetime | None = None,
) -> ServiceVersion:
    """A new version holding the service as stored now (after the change was flushed)."""
    session.flush()
    document = load(session, "service", [service_id])[service_id]
    previous = latest(session, service_id)
    number = (
        session.scalar(
            select(func.max(ServiceVersion.number)).where(ServiceVersion.service_id == service_id)
        )
        or 0
    ) + 1
    version = ServiceVersion(
        service_id=service_id,
        number=number,
        document=document,
        action=action,
        changed=",".join(changed_fields(previous.document if previous else None, document))[:500],
        staff_id=staff_id,
        staff_name=staff_name,
        created_at=now or utcnow(),
    )
    session.add(version)
    session.flush()
    return version


def history(session: Session, service_id: str) -> list[ServiceVersion]:
    """Newest first."""
    return list(
        session.scalars(
            select(ServiceVersion)
            .where(ServiceVersion.service_id == service_id)
            .order_by(ServiceVersion.number.desc())
        )
    )


def version(session: Session, service_id: str, number: int) -> ServiceVersion | None:
    return session.scalar(
        select(ServiceVersion).where(
            ServiceVersion.service_id == service_id, ServiceVersion.number == number
        )
    )
