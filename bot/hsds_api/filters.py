"""The reference's service filters, as sets of service ids (cumulative: the caller
intersects them, as the reference's "Query Parameters and Filters" requires)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Attribute, Service, TaxonomyTerm
from bot.hsds_api.parameters import modified_after as read_modified_after
from bot.hsds_api.parameters import text, timestamp


def of_organization(db: Session, organization_id: str) -> set[str]:
    column = Service.document["organization_id"].as_string()
    return set(db.scalars(select(Service.id).where(column == organization_id)))


def with_terms(db: Session, term_ids: set[str]) -> set[str]:
    """Services with an attribute (their own or a nested object's) using one of the terms."""
    if not term_ids:
        return set()
    statement = select(Attribute.root_id).where(Attribute.taxonomy_term_id.in_(term_ids))
    return set(db.scalars(statement))


def term_and_descendants(db: Session, term_id: str) -> set[str]:
    """A term stands for its narrower terms too (a service in "football" is in "sport")."""
    children: dict[str, list[str]] = defaultdict(list)
    known = set()
    for found, parent in db.execute(
        select(TaxonomyTerm.id, TaxonomyTerm.document["parent_id"].as_string())
    ):
        known.add(found)
        if parent:
            children[parent].append(found)
    wanted, todo = set(), [term_id] if term_id in known else []
    while todo:
        current = todo.pop()
        if current not in wanted:
            wanted.add(current)
            todo += children[current]
    return wanted


def with_taxonomy(db: Session, taxonomy_id: str) -> set[str]:
    column = TaxonomyTerm.document["taxonomy_id"].as_string()
    terms = set(db.scalars(select(TaxonomyTerm.id).where(column == taxonomy_id)))
    return with_terms(db, terms)


def last_modified(document: dict[str, Any]) -> datetime | None:
    """The service's `last_modified`, else the latest `last_action_date` of its metadata;
    None when the record says neither (it is then never "modified after" anything)."""
    stamps = [document.get("last_modified")]
    metadata = document.get("metadata")
    if isinstance(metadata, list):
        stamps += [entry.get("last_action_date") for entry in metadata if isinstance(entry, dict)]
    found = [parsed for stamp in stamps if isinstance(stamp, str) and (parsed := timestamp(stamp))]
    return max(found, default=None)


def modified_since(db: Session, since: datetime) -> set[str]:
    return {
        service_id
        for service_id, document in db.execute(select(Service.id, Service.document))
        if (modified := last_modified(document)) is not None and modified >= since
    }


def combine(found: set[str] | None, more: set[str]) -> set[str]:
    return more if found is None else found & more


@dataclass(frozen=True)
class ServiceFilters:
    """The reference's filters of the lists of services and of service-at-locations."""

    search: str | None = None
    organization_id: str | None = None
    taxonomy_id: str | None = None
    taxonomy_term_id: str | None = None
    modified_after: datetime | None = None

    def kept(self, db: Session) -> set[str] | None:
        """The services all the given filters (but `search`) keep; None when none is."""
        found: set[str] | None = None
        if self.organization_id is not None:
            found = combine(found, of_organization(db, self.organization_id))
        if self.taxonomy_id is not None:
            found = combine(found, with_taxonomy(db, self.taxonomy_id))
        if self.taxonomy_term_id is not None:
            terms = term_and_descendants(db, self.taxonomy_term_id)
            found = combine(found, with_terms(db, terms))
        if self.modified_after is not None:
            found = combine(found, modified_since(db, self.modified_after))
        return found


def service_filters(
    search_text: Annotated[str | None, Query(alias="search")] = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: str | None = None,
) -> ServiceFilters:
    """A dependency: the reference's filters read, each one checked (a 422 says why)."""
    return ServiceFilters(
        search=text("search", search_text),
        organization_id=text("organization_id", organization_id),
        taxonomy_id=text("taxonomy_id", taxonomy_id),
        taxonomy_term_id=text("taxonomy_term_id", taxonomy_term_id),
        modified_after=read_modified_after(modified_after),
    )
