"""Dereferenced directory records kept in memory between directory changes (issue 20: the
action server's searches ask for 30 full services each; loading them took a dozen queries
and most of the gateway's CPU per search).

Every write of the directory (store.save: imports, the console's imports and curators'
edits) adds one to the directory's generation in its own transaction (generation.py), so
the number changes when, and only when, such a write commits, whichever process made it.
A reader reads the generation first and the records after: what it loads is at least as
new as the number it is kept under, never older. A process keeps its records while the
generation stays the same and drops them all when it moves on.

Only read-only work uses the cache (a transaction that wrote may read its own uncommitted
records, which must not outlive it). The records handed out are shared: callers must not
change them (copy what they change)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.directory import store
from bot.directory.generation import generation

MAX_RECORDS = 5000  # per process and database; the least recently used go first
Key = tuple[str, str]  # kind, id


@dataclass
class _Records:
    generation: int = -1
    records: OrderedDict[Key, dict[str, Any]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)  # the thread pool shares it


_by_engine: WeakKeyDictionary[Engine, _Records] = WeakKeyDictionary()
_registry_lock = threading.Lock()


def _records_of(engine: Engine) -> _Records:
    with _registry_lock:
        found = _by_engine.get(engine)
        if found is None:
            found = _by_engine[engine] = _Records()
        return found


def cached_load(session: Session, kind: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """store.load's answer (records by id, in the order asked), from memory where the
    directory has not changed since; read-only: the records are shared."""
    wanted = list(dict.fromkeys(ids))
    current = None if session.info.get("flushed_writes") else generation(session)
    if current is None or not wanted:
        return store.load(session, kind, wanted)
    cache = _records_of(session.get_bind())  # type: ignore[arg-type]
    found: dict[str, dict[str, Any]] = {}
    with cache.lock:
        if current > cache.generation:  # changed since: nothing kept is sure any more
            cache.records.clear()
            cache.generation = current
        if current == cache.generation:  # (an older snapshot: loaded, not kept)
            for record_id in wanted:
                record = cache.records.get((kind, record_id))
                if record is not None:
                    cache.records.move_to_end((kind, record_id))
                    found[record_id] = record
    missing = [record_id for record_id in wanted if record_id not in found]
    if missing:
        fresh = store.load(session, kind, missing)
        found.update(fresh)
        with cache.lock:
            if current == cache.generation:
                for record_id, record in fresh.items():
                    cache.records[(kind, record_id)] = record
                while len(cache.records) > MAX_RECORDS:
                    cache.records.popitem(last=False)
    return {record_id: found[record_id] for record_id in wanted if record_id in found}
