"""Records reached more than once inside one document.

Full HSDS 3.0 documents repeat nested objects: the official service_full.json holds the same
language under the service, its phone, its location and its organization. Our tables key
every object by its id, so only the first occurrence (in the order `structure.decompose`
walks) becomes a row; a later identical occurrence of a nested (owned) record is kept
verbatim in its owner's document, under REPEATED with its position, and put back in place
on load. A later occurrence of a shared record (a location, an organization) is the same
record: it is written once. Occurrences with the same id and different content are a
conflict: ConflictingRecord names both places, and the record is rejected, never merged.

A shared record already written in this import (same content: its fingerprint is in
`unchanged`) is not walked again, but its nested records count as seen, so that a copy of
one of them elsewhere in the document refers to the stored row instead of colliding."""

from __future__ import annotations

import copy
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.directory.structure import ARRAYS, REFERENCES, SHARED_KINDS, Row

REPEATED = "_repeated"  # owner document key: [{"field", "position", "record"}, ...]

Key = tuple[str, str]  # (kind, id)


class ConflictingRecord(ValueError):
    """Two records with the same kind and id but different content."""


def fingerprint(kind: str, record: Any) -> str:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return f"{kind}:{hashlib.blake2b(text.encode(), digest_size=16).hexdigest()}"


@dataclass
class Folded:
    record: dict[str, Any]  # the record to decompose, repeats moved under REPEATED
    repeats: list[Row] = field(default_factory=list)  # the repeated copies, with their owner
    skipped: set[int] = field(default_factory=set)  # id() of embedded records not to write
    shared: dict[Key, str] = field(default_factory=dict)  # shared records met: fingerprints


@dataclass
class _Seen:
    path: str
    fingerprint: str
    folded: dict[str, Any] | None = None  # a shared record's folded form, to reuse


def fold_repeats(
    kind: str,
    record: dict[str, Any],
    *,
    unchanged: frozenset[str] | set[str] = frozenset(),
    earlier: Mapping[Key, str] | None = None,
    stored: Mapping[Key, dict[str, Any]] | None = None,
) -> Folded:
    """`earlier`: shared records of previous documents' records in this import (a different
    content is a conflict); `stored`: nested records already stored under another owner
    (an identical copy refers to them; a different one is a conflict)."""
    walker = _Walker(unchanged, earlier or {}, stored or {})
    folded = walker.walk(kind, record, "", None)
    return Folded(folded, walker.repeats, walker.skipped, walker.shared)


class _Walker:
    def __init__(
        self,
        unchanged: frozenset[str] | set[str],
        earlier: Mapping[Key, str],
        stored: Mapping[Key, dict[str, Any]],
    ) -> None:
        self.unchanged, self.earlier, self.stored = unchanged, earlier, stored
        self.seen: dict[Key, _Seen] = {}
        self.repeats: list[Row] = []
        self.skipped: set[int] = set()
        self.shared: dict[Key, str] = {}

    def walk(self, kind: str, record: dict[str, Any], path: str, root: str | None) -> Any:
        out = dict(record)
        own_root = str(record.get("id")) if kind in SHARED_KINDS else root
        for name, (ref_kind, _) in REFERENCES.get(kind, {}).items():
            embedded = out.get(name)
            if isinstance(embedded, dict) and "id" in embedded:
                out[name] = self._reference(ref_kind, embedded, _join(path, name))
        for name, child_kind in ARRAYS.get(kind, {}).items():
            children = out.get(name)
            if not isinstance(children, list) or not children:
                continue
            kept: list[Any] = []
            for position, child in enumerate(children):
                where = f"{_join(path, name)}/{position}"
                if (
                    isinstance(child, dict)
                    and "id" in child
                    and self._repeat(child_kind, child, where)
                ):
                    out.setdefault(REPEATED, []).append(
                        {"field": name, "position": position, "record": child}
                    )
                    self.repeats.append(
                        Row(
                            child_kind,
                            str(child["id"]),
                            child,
                            kind,
                            str(record["id"]),
                            position,
                            own_root,
                        )
                    )
                elif isinstance(child, dict) and "id" in child:
                    kept.append(self.walk(child_kind, child, where, own_root))
                else:
                    kept.append(child)  # the schema check rejected it already
            out[name] = kept
        return out

    def _reference(self, kind: str, embedded: dict[str, Any], path: str) -> dict[str, Any]:
        key = (kind, str(embedded["id"]))
        mark = fingerprint(kind, embedded)
        seen = self.seen.get(key)
        if seen is not None:
            _same_or_conflict(key, seen.path, seen.fingerprint, path, mark)
            if seen.folded is not None:
                return seen.folded  # the very same object: decomposed once, skipped after
            return embedded
        if key in self.earlier and self.earlier[key] != mark:
            raise ConflictingRecord(
                f"{kind} '{key[1]}' at {path} differs from the {kind} with that id "
                "given earlier in this import"
            )
        self.shared[key] = mark
        if mark in self.unchanged:  # written as is earlier in this import: mark its rows seen
            self.seen[key] = _Seen(path, mark, embedded)
            self.skipped.add(id(embedded))
            self._mark_seen(kind, embedded, path)
            return embedded
        self.seen[key] = _Seen(path, mark)
        folded: dict[str, Any] = self.walk(kind, embedded, path, key[1])
        self.seen[key].folded = folded
        return folded

    def _repeat(self, kind: str, child: dict[str, Any], path: str) -> bool:
        """Whether this nested record is a copy of one met (or stored) before."""
        key = (kind, str(child["id"]))
        mark = fingerprint(kind, child)
        seen = self.seen.get(key)
        if seen is not None:
            _same_or_conflict(key, seen.path, seen.fingerprint, path, mark)
            return True
        if key in self.stored:
            if fingerprint(kind, self.stored[key]) != mark:
                raise ConflictingRecord(
                    f"{kind} '{key[1]}' at {path} is already stored, with other content, "
                    "under another record"
                )
            return True
        self.seen[key] = _Seen(path, mark)
        return False

    def _mark_seen(self, kind: str, record: dict[str, Any], path: str) -> None:
        for name, child_kind in ARRAYS.get(kind, {}).items():
            children = record.get(name)
            for position, child in enumerate(children if isinstance(children, list) else []):
                if isinstance(child, dict) and "id" in child:
                    where = f"{_join(path, name)}/{position}"
                    key = (child_kind, str(child["id"]))
                    self.seen.setdefault(key, _Seen(where, fingerprint(child_kind, child)))
                    self._mark_seen(child_kind, child, where)
        for name, (ref_kind, _) in REFERENCES.get(kind, {}).items():
            embedded = record.get(name)
            if not isinstance(embedded, dict) or "id" not in embedded:
                continue
            ref_key = (ref_kind, str(embedded["id"]))
            if ref_key not in self.seen:
                where = _join(path, name)
                self.seen[ref_key] = _Seen(where, fingerprint(ref_kind, embedded), embedded)
                self.skipped.add(id(embedded))
                self._mark_seen(ref_kind, embedded, where)


def _same_or_conflict(key: Key, first: str, first_print: str, path: str, mark: str) -> None:
    if first_print and first_print != mark:
        raise ConflictingRecord(
            f"{key[0]} '{key[1]}' appears twice with different content: at {first} and at {path}"
        )


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def restore_repeats(record: dict[str, Any]) -> None:
    """Put the copies kept under REPEATED back at their positions in their arrays."""
    repeats = record.pop(REPEATED, None)
    if not repeats:
        return
    by_field: dict[str, dict[int, Any]] = defaultdict(dict)
    for repeat in repeats:
        by_field[repeat["field"]][int(repeat["position"])] = repeat["record"]
    for name, copies in by_field.items():
        rest = iter(record.get(name) or [])
        size = len(record.get(name) or []) + len(copies)
        record[name] = [
            copy.deepcopy(copies[index]) if index in copies else next(rest) for index in range(size)
        ]
