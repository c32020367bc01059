"""Saving a curator's change: every state written passes the official HSDS 3.0 schemas and
the Brussels profile first (the importer's own check), so nothing invalid is stored; then
it is written like an import (search sees it at once) and kept as a new version."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.curation import ownership, reports, versions
from bot.directory.hsds_schema import SchemaProblem
from bot.directory.importer import check
from bot.directory.store import load, save

# Where a schema problem's path shows in the form (the longest matching prefix wins).
FIELD_OF_PATH = {
    "name": "name_fr",
    "description": "description_fr",
    "translations/nl/name": "name_nl",
    "translations/nl/description": "description_nl",
    "translations": "name_nl",
    "status": "status",
    "assured_date": "status",
    "minimum_age": "minimum_age",
    "maximum_age": "maximum_age",
    "organization/translations": "organization_nl",
    "organization": "organization_fr",
    "organization_id": "organization_fr",
    "phones": "phone",
    "cost_options": "price",
    "languages": "languages",
    "attributes": "categories",
    "schedules": "schedule",
    "service_at_locations/0/location/addresses/0/postal_code": "postcode",
    "service_at_locations/0/location/addresses/0/translations": "street_nl",
    "service_at_locations": "street_fr",
}


@dataclass
class Refused:
    """The change was not stored: what is wrong, by form field ("" for the whole form)."""

    problems: dict[str, list[str]] = field(default_factory=dict)


def field_of(path: str) -> str:
    parts = path.split("/")
    for length in range(len(parts), 0, -1):
        prefix = "/".join(parts[:length])
        if prefix in FIELD_OF_PATH:
            return FIELD_OF_PATH[prefix]
    return ""


def schema_refusal(found: list[SchemaProblem]) -> Refused:
    refused = Refused()
    for problem in found:
        refused.problems.setdefault(field_of(problem.field), []).append(
            f"{problem.field or 'service'}: {problem.message}"
        )
    return refused


def store(
    session: Session,
    record: dict[str, Any],
    action: str,
    staff_id: int | None,
    staff_name: str,
) -> Refused | versions.ServiceVersion:
    """Check, write and version one service. Nothing is written when it is refused."""
    found = check(record)
    if found:
        return schema_refusal(found)
    save(session, "service", copy.deepcopy(record))
    return versions.record(session, record["id"], action, staff_id, staff_name)


def create(
    session: Session,
    record: dict[str, Any],
    company_id: str | None,
    staff_id: int,
    staff_name: str,
) -> Refused | versions.ServiceVersion:
    result = store(session, record, "created", staff_id, staff_name)
    if not isinstance(result, Refused):
        ownership.set_owner(session, record["id"], company_id)
    return result


def current(session: Session, service_id: str) -> dict[str, Any] | None:
    return load(session, "service", [service_id]).get(service_id)


def confirm(
    session: Session, service_id: str, today: date, staff_id: int, staff_name: str
) -> Refused | versions.ServiceVersion:
    """ "Confirmed today": the curator checked the service is as described."""
    record = current(session, service_id)
    if record is None:
        return Refused({"": ["no such service"]})
    record["assured_date"] = today.isoformat()
    result = store(session, record, "confirmed", staff_id, staff_name)
    if not isinstance(result, Refused):
        reports.resolve(session, service_id, staff_id)
    return result


def revert(
    session: Session, service_id: str, number: int, staff_id: int, staff_name: str
) -> Refused | versions.ServiceVersion | None:
    """The service as it was in version `number`, saved as a new version (None: no such
    version). A state the schemas refuse today is not restored."""
    earlier = versions.version(session, service_id, number)
    if earlier is None:
        return None
    return store(session, copy.deepcopy(earlier.document), "reverted", staff_id, staff_name)


def first_version_if_missing(session: Session, service_id: str) -> None:
    """A service imported before curation existed has no version: keep its state as
    version 1 before the first change, so that the change can be reverted."""
    if versions.latest(session, service_id) is None and current(session, service_id):
        versions.record(session, service_id, "imported", None, "")
