"""Writing dereferenced HSDS objects into the directory tables and reading them back."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, literal, select, union_all
from sqlalchemy.orm import Session

from bot.directory.generation import bump
from bot.directory.indexing import search_columns
from bot.directory.models import MODELS, OwnedRecord
from bot.directory.repeats import Folded, Key, fingerprint, fold_repeats, restore_repeats
from bot.directory.search_index import index_service, relocate
from bot.directory.structure import ARRAYS, EMBEDDED, REFERENCES, Row, decompose

__all__ = ["fingerprint", "load", "save"]  # fingerprint: used by the importer

# The nested kinds' models (every kind that ARRAYS nests is one).
OWNED = {kind: model for kind, model in MODELS.items() if issubclass(model, OwnedRecord)}
OWNED_MODELS = list(OWNED.values())


def save(
    session: Session,
    kind: str,
    record: dict[str, Any],
    unchanged: set[str] | None = None,
    earlier: Mapping[Key, str] | None = None,
) -> Saved:
    """Insert or replace one dereferenced object and everything nested in it.

    A shared record found again (an organization used by several services) is updated; the
    rows it owned before are deleted first, so a re-import never leaves stale phones or
    schedules behind. `unchanged` holds fingerprints of shared records already written
    as they are (in this import): those are not written again. `earlier` maps the shared
    records of this import's previous records to their fingerprints: one given again with
    other content is a ConflictingRecord, not an overwrite (it is updated across imports).
    A record repeated inside `record` is stored once (see repeats.py)."""
    bump(session)  # every process's cached records are dropped once this commits
    known = unchanged if unchanged is not None else set()
    folded = fold_repeats(kind, record, unchanged=known, earlier=earlier)
    rows = _rows(kind, folded)
    roots = {row.id for row in rows if row.owner_kind is None}
    elsewhere = _stored_elsewhere(session, rows, roots)
    if elsewhere:  # nested records that another, untouched record owns: refer to them
        folded = fold_repeats(kind, record, unchanged=known, earlier=earlier, stored=elsewhere)
        rows = _rows(kind, folded)
    with_copies = rows + folded.repeats  # what search sees: the copies count for their owner
    stored = _already_stored(session, [row for row in rows if row.owner_kind is None])
    if stored:
        for owned in OWNED_MODELS:
            session.execute(delete(owned).where(owned.root_id.in_(stored)))
    for row in rows:
        model = MODELS[row.kind]
        values: dict[str, Any] = {"id": row.id, "document": row.document}
        values.update(search_columns(row.kind, row.document, with_copies))
        if issubclass(model, OwnedRecord):
            values.update(
                owner_kind=row.owner_kind,
                owner_id=row.owner_id,
                position=row.position,
                root_id=row.root_id,
            )
            session.add(model(**values))
        elif row.id in stored:
            session.merge(model(**values))
            if row.kind == "location":
                relocate(session, row.id, values.get("commune_id"))
        else:
            session.add(model(**values))
    if kind == "service":
        session.flush()
        index_service(session, record, with_copies)
    written = {mark for mark in folded.shared.values() if mark not in known}
    return Saved(written, folded.shared)


@dataclass
class Saved:
    written: set[str]  # fingerprints of the shared records written now
    shared: dict[Key, str]  # every shared record the object holds, by kind and id


def _rows(kind: str, folded: Folded) -> list[Row]:
    """The rows to write: each shared record once, none that is written as is already."""
    emitted: set[int] = set()

    def skip(ref_kind: str, embedded: dict[str, Any]) -> bool:
        if id(embedded) in folded.skipped or id(embedded) in emitted:
            return True
        emitted.add(id(embedded))
        return False

    return decompose(kind, folded.record, skip)


def _stored_elsewhere(session: Session, rows: list[Row], roots: set[str]) -> dict[Key, Any]:
    """Nested records of `rows` already stored under a shared record that this save does not
    replace, loaded in full. One query for every kind (it runs once per record imported)."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.owner_kind is not None:
            by_kind[row.kind].append(row.id)
    if not by_kind:
        return {}
    query = union_all(
        *(
            select(literal(kind).label("kind"), OWNED[kind].id, OWNED[kind].root_id).where(
                OWNED[kind].id.in_(ids)
            )
            for kind, ids in by_kind.items()
        )
    )
    others: dict[str, list[str]] = defaultdict(list)
    with session.no_autoflush:
        for kind, record_id, root in session.execute(query).tuples():
            if root not in roots:
                others[kind].append(record_id)
    return {
        (kind, record_id): record
        for kind, ids in others.items()
        for record_id, record in load(session, kind, ids).items()
    }


def _already_stored(session: Session, roots: list[Row]) -> set[str]:
    """Which of these shared records are in the database already (one query per kind)."""
    stored: set[str] = set()
    by_kind: dict[str, list[str]] = defaultdict(list)
    for row in roots:
        by_kind[row.kind].append(row.id)
    for kind, ids in by_kind.items():
        model = MODELS[kind]
        stored.update(session.scalars(select(model.id).where(model.id.in_(ids))))
    return stored


def load(session: Session, kind: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Dereferenced objects by id, nested arrays in their original order."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    model = MODELS[kind]
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(wanted):
        for row in session.scalars(select(model).where(model.id.in_(chunk))):
            found[row.id] = copy.deepcopy(row.document)
    _complete(session, kind, found)
    return {record_id: found[record_id] for record_id in wanted if record_id in found}


def _complete(session: Session, kind: str, records: dict[str, dict[str, Any]]) -> None:
    if not records:
        return
    for field, child_kind in ARRAYS.get(kind, {}).items():
        model = OWNED[child_kind]
        children: dict[str, dict[str, Any]] = {}
        owners: dict[str, list[str]] = defaultdict(list)
        for chunk in _chunks(list(records)):
            query = (
                select(model)
                .where(model.owner_kind == kind, model.owner_id.in_(chunk))
                .order_by(model.owner_id, model.position)
            )
            for row in session.scalars(query):
                children[row.id] = copy.deepcopy(row.document)
                owners[row.owner_id].append(row.id)
        _complete(session, child_kind, children)
        for owner_id, child_ids in owners.items():
            records[owner_id][field] = [children[child_id] for child_id in child_ids]
    for field, (ref_kind, id_field) in REFERENCES.get(kind, {}).items():
        embedding = [
            record
            for record in records.values()
            if field in record.get(EMBEDDED, ()) and record.get(id_field)
        ]
        references = load(session, ref_kind, {record[id_field] for record in embedding})
        for record in embedding:
            reference = references.get(record[id_field])
            if reference is not None:
                record[field] = copy.deepcopy(reference)
    for record in records.values():
        record.pop(EMBEDDED, None)
        restore_repeats(record)


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
