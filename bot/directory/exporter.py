"""Export the directory back to HSDS: dereferenced services as JSON, or a tabular package."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Service
from bot.directory.store import load


def export_services(session: Session) -> list[dict[str, Any]]:
    """Every service, fully nested, in id order."""
    ids = list(session.scalars(select(Service.id).order_by(Service.id)))
    return list(load(session, "service", ids).values())
