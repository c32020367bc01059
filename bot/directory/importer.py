"""Import HSDS services into the directory: validate each record against the official
schemas and the Brussels profile, keep the good ones, name the bad ones precisely.

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

from bot.directory.hsds_schema import SchemaProblem, problems
from bot.directory.profile_checks import profile_problems
from bot.directory.store import fingerprint, save
from bot.directory.tabular import read_package
from bot.hsds_profile import taxonomies, taxonomy_terms

BATCH = 500  # services per flush; keeps memory flat on large imports


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    rejected: list[SchemaProblem] = field(default_factory=list)
    unused_tables: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def rejected_ids(self) -> list[str]:
        return list(dict.fromkeys(problem.record_id for problem in self.rejected))


class SourceError(ValueError):
    """The file cannot be read as HSDS at all."""


def read_source(path: Path) -> tuple[dict[str, Any], list[Any], list[str]]:
    """(metadata, service records, unused tables) from HSDS JSON or a tabular package."""
    if path.is_dir() or path.name == "datapackage.json":
        return read_package(path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(f"{path}: not readable JSON ({error})") from error
    if isinstance(content, list):
        return {}, content, []
    if isinstance(content, dict):
        for key in ("services", "contents"):  # our sample file; an HSDS API page
            if isinstance(content.get(key), list):
                return dict(content.get("metadata", {})), content[key], []
        if "id" in content:
            return {}, [content], []
    raise SourceError(f"{path}: expected a service, a list of services or an HSDS page")


def check(record: Any) -> list[SchemaProblem]:
    if not isinstance(record, dict):
        return [SchemaProblem("?", "", "a service must be a JSON object")]
    return problems("service", record) or profile_problems("service", record)


def import_records(
    sessions: sessionmaker[Session],
    records: Iterable[Any],
    *,
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,  # its result is ignored
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    unchanged: set[str] = set()  # shared records (organizations, terms...) written as they are
    with sessions() as session:
        unchanged |= _store_profile_taxonomies(session)
        for record in records:
            report.read += 1
            found = check(record)
            if found:
                report.rejected.extend(found)
            elif _save_one(session, record, report, unchanged):
                report.imported += 1
            if report.read % BATCH == 0:
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
    session: Session, record: dict[str, Any], report: ImportReport, unchanged: set[str]
) -> bool:
    savepoint = session.begin_nested()
    try:
        written = save(session, "service", record, unchanged)
        session.flush()
    except SQLAlchemyError as error:
        savepoint.rollback()
        cause = getattr(error, "orig", None)  # the driver's error, when there is one
        message = str(cause if cause else error).splitlines()[0]
        report.rejected.append(SchemaProblem(str(record.get("id")), "", message))
        return False
    savepoint.commit()
    unchanged |= written  # only once the record is in: a rolled-back one wrote nothing
    return True
