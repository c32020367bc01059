"""Import HSDS services into the directory: validate each record against the official
schemas and the Brussels profile, keep the good ones, name the bad ones precisely.

A source is any HSDS 3.0 document that holds services (documents.py tells its kind by its
shape: a service, an organization, a service-at-location, lists and pages of them, the
tabular package); one of a kind that holds no service (a location, a taxonomy) is refused
whole with NoServiceError. An organization that comes without services is kept alone.

Each service is written inside its own savepoint, so a record that fails half-way leaves
nothing behind; everything is committed at the end (or rolled back for a dry run).
Re-importing the same data updates it in place."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.directory.documents import (
    Document,
    DocumentError,
    NoServiceError,
    kind_of,
    read_document,
)
from bot.directory.hsds_schema import SchemaProblem, problems
from bot.directory.profile_checks import profile_problems
from bot.directory.repeats import ConflictingRecord, Key
from bot.directory.store import fingerprint, save
from bot.directory.tabular import read_package
from bot.hsds_profile import taxonomies, taxonomy_terms

BATCH = 500  # services per flush; keeps memory flat on large imports


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    imported_ids: list[str] = field(default_factory=list)  # the services imported, in order
    organizations: int = 0  # organizations that came without services, kept alone
    rejected: list[SchemaProblem] = field(default_factory=list)
    unused_tables: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def rejected_ids(self) -> list[str]:
        return list(dict.fromkeys(problem.record_id for problem in self.rejected))


class SourceError(ValueError):
    """The file cannot be read as HSDS at all."""


class NothingToImport(SourceError):
    """An HSDS document of a kind that holds no service (a location, a taxonomy...)."""


def read_source(path: Path) -> tuple[dict[str, Any], list[Any], list[str]]:
    """(metadata, records, unused tables) from HSDS JSON or a tabular package. The records
    are services, and organizations that came without any."""
    if path.is_dir() or path.name == "datapackage.json":
        return read_package(path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(f"{path}: not readable JSON ({error})") from error
    document = parse(content, path.name)
    return document.metadata, document.records, document.unused


def parse(content: Any, name: str) -> Document:
    """The document in parsed JSON, with the importer's errors."""
    try:
        return read_document(content, name)
    except NoServiceError as error:
        raise NothingToImport(str(error)) from error
    except DocumentError as error:
        raise SourceError(str(error)) from error


def check(record: Any) -> list[SchemaProblem]:
    if not isinstance(record, dict):
        return [SchemaProblem("?", "", "a service must be a JSON object")]
    kind = _kind(record)
    return problems(kind, record) or profile_problems(kind, record)


def _kind(record: Any) -> str:
    """A record is a service unless it is an organization (one that came without services)."""
    return "organization" if kind_of(record) == "organization" else "service"


def import_records(
    sessions: sessionmaker[Session],
    records: Iterable[Any],
    *,
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,  # its result is ignored
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    unchanged: set[str] = set()  # shared records (organizations, terms...) written as they are
    earlier: dict[Key, str] = {}  # shared records of this import: one id, one content
    with sessions() as session:
        unchanged |= _store_profile_taxonomies(session)
        for count, record in enumerate(records, start=1):
            organization = isinstance(record, dict) and _kind(record) == "organization"
            report.read += not organization
            found = check(record)
            if found:
                report.rejected.extend(found)
            elif _save_one(session, record, report, unchanged, earlier):
                report.organizations += organization
                report.imported += not organization
                if not organization:
                    report.imported_ids.append(str(record["id"]))
            if count % BATCH == 0:
                session.flush()
                session.expunge_all()
            if progress:
                progress(1)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return report


def _store_profile_taxonomies(session: Session) -> set[str]:
    """The Brussels profile's two taxonomies and all their terms, used or not yet, so that
    /hsds/taxonomy_terms lists the whole local taxonomy. Returns their fingerprints."""
    for taxonomy in taxonomies():
        save(session, "taxonomy", taxonomy)
    for term in taxonomy_terms().values():
        save(session, "taxonomy_term", term)
    return {fingerprint("taxonomy_term", term) for term in taxonomy_terms().values()}


def _save_one(
    session: Session,
    record: dict[str, Any],
    report: ImportReport,
    unchanged: set[str],
    earlier: dict[Key, str],
) -> bool:
    kind, key = _kind(record), (_kind(record), str(record.get("id")))
    if key in earlier and earlier[key] != fingerprint(kind, record):
        message = f"{kind} '{key[1]}' appears twice in this import with different content"
        report.rejected.append(SchemaProblem(key[1], "", message))
        return False
    savepoint = session.begin_nested()
    try:
        saved = save(session, kind, record, unchanged, earlier)
        session.flush()
    except (SQLAlchemyError, ConflictingRecord) as error:
        savepoint.rollback()
        cause = getattr(error, "orig", None)  # the driver's error, when there is one
        message = str(cause if cause else error).splitlines()[0]
        report.rejected.append(SchemaProblem(str(record.get("id")), "", message))
        return False
    savepoint.commit()
    # only once the record is in: a rolled-back one wrote nothing
    unchanged |= saved.written
    earlier.update(saved.shared)
    earlier[key] = fingerprint(kind, record)
    return True
