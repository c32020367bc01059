"""Who may curate which service: a curator their company's services, a regional curator
every service (the region's too). A service no company curates is the region's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.curation.models import CuratedService

REGIONAL_ROLE = "regional_curator"


def owner_of(session: Session, service_id: str) -> str | None:
    """The housing company that curates the service (None: the region)."""
    return session.scalar(
        select(CuratedService.company_id).where(CuratedService.service_id == service_id)
    )


def may_curate(session: Session, role: str, company_id: str, service_id: str) -> bool:
    if role == REGIONAL_ROLE:
        return True
    return role == "curator" and owner_of(session, service_id) == company_id


def set_owner(session: Session, service_id: str, company_id: str | None) -> None:
    row = session.get(CuratedService, service_id)
    if row is None:
        session.add(CuratedService(service_id=service_id, company_id=company_id))
    else:
        row.company_id = company_id


def company_services(session: Session, company_id: str) -> set[str]:
    return set(
        session.scalars(
            select(CuratedService.service_id).where(CuratedService.company_id == company_id)
        )
    )


def owners(session: Session, service_ids: list[str]) -> dict[str, str | None]:
    """Each service's company; a service missing from the answer is the region's."""
    if not service_ids:
        return {}
    rows = session.execute(
        select(CuratedService.service_id, CuratedService.company_id).where(
            CuratedService.service_id.in_(service_ids)
        )
    )
    return dict(rows.tuples().all())
