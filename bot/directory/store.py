"""Writing dereferenced HSDS objects into the directory tables and reading them back."""

from __future__ import annotations

import copy
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.directory.indexing import search_columns
from bot.directory.models import MODELS, OwnedRecord
from bot.directory.search_index import index_service, relocate
from bot.directory.structure import ARRAYS, EMBEDDED, REFERENCES, Row, decompose

# The nested kinds' models (every kind that ARRAYS nests is one).
OWNED = {kind: model for kind, model in MODELS.items() if issubclass(model, OwnedRecord)}
OWNED_MODELS = list(OWNED.values())


def save(
    session: Session, kind: str, record: dict[str, Any], unchanged: set[str] | None = None
) -> set[str]:
    """Insert or replace one dereferenced object and everything nested in it.

    A shared record found again (an organization used by several services) is updated; the
    rows it owned before are deleted first, so a re-import never leaves stale phones or
    schedules behind. `unchanged` holds fingerprints of shared records already written
    as they are (in this import): those are not written again. Returns the fingerprints
    of the shared records written now."""
    written: set[str] = set()
    known = unchanged if unchanged is not None else set()

    def skip(ref_kind: str, embedded: dict[str, Any]) -> bool:
        key = fingerprint(ref_kind, embedded)
        if key in known or key in written:
            return True
        written.add(key)
        return False

    rows = decompose(kind, record, skip)
    stored = _already_stored(session, [row for row in rows if row.owner_kind is None])
    if stored:
        for owned in OWNED_MODELS:
            session.execute(delete(owned).where(owned.root_id.in_(stored)))
    for row in rows:
        model = MODELS[row.kind]
        values: dict[str, Any] = {"id": row.id, "document": row.document}
        values.update(search_columns(row.kind, row.document, rows))
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
        index_service(session, record, rows)
    return written


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


def fingerprint(kind: str, record: dict[str, Any]) -> str:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return f"{kind}:{hashlib.blake2b(text.encode(), digest_size=16).hexdigest()}"


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


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
