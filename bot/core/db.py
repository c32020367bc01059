"""The gateway's database: SQLAlchemy 2, SQLite under var/ by default, PostgreSQL through
DATABASE_URL. The schema is owned by Alembic (bot/gateway/migrations)."""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import (
    DeclarativeBase,
    ORMExecuteState,
    Session,
    SessionTransaction,
    sessionmaker,
)


class Base(DeclarativeBase):
    """Base of the gateway's ORM models (the directory, contacts, handoffs...)."""


class DatabaseOnEventLoop(RuntimeError):
    """Database work must run in a thread (UnitOfWork.run, run_in_threadpool), never on
    the event loop: a wait for a lock there stops every request, the lock holder's too."""


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
    else:
        if url.database not in (None, "", ":memory:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_pre_ping=True)
        _use_real_sqlite_transactions(engine)
    _never_on_the_event_loop(engine)
    return engine


def _never_on_the_event_loop(engine: Engine) -> None:
    @event.listens_for(engine, "checkout")
    def _checkout(*_: object) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a worker thread, or a program without an event loop
        raise DatabaseOnEventLoop("database work on the event loop: run it in a thread")


def _use_real_sqlite_transactions(engine: Engine) -> None:
    """pysqlite opens transactions late and its RELEASE of a savepoint commits, so a
    "rolled back" dry run or a failed record could stay written. SQLAlchemy's documented
    recipe: let SQLAlchemy emit BEGIN itself. SQLite serves several threads (requests, the
    outbox worker) one writer at a time; production runs on PostgreSQL."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, connection_record: object) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
        dbapi_connection.execute("PRAGMA busy_timeout=30000")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # IMMEDIATE: a transaction takes the write lock up front, waiting for its turn,
        # instead of failing with "database is locked" when it later wants to write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    sessions = sessionmaker(engine, expire_on_commit=False)
    _track_writes(sessions)
    return sessions


# Connections kept for work outside the units of work (the outbox, reminders, erasure...).
RESERVED_CONNECTIONS = 3
_slots: weakref.WeakKeyDictionary[sessionmaker[Session], asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def transaction_slots(sessions: sessionmaker[Session]) -> asyncio.Semaphore:
    """How many units of work may hold a transaction at once: on SQLite one (each
    transaction takes the single write lock up front, BEGIN IMMEDIATE), elsewhere the
    connection pool's size and overflow less RESERVED_CONNECTIONS."""
    slots = _slots.get(sessions)
    if slots is None:
        engine = sessions.kw["bind"]
        if engine.dialect.name == "sqlite":
            size = 1
        else:
            pool = engine.pool
            capacity = pool.size() + max(getattr(pool, "_max_overflow", 0), 0)
            size = max(capacity - RESERVED_CONNECTIONS, 1)
        slots = _slots[sessions] = asyncio.Semaphore(size)
    return slots


def _track_writes(sessions: sessionmaker[Session]) -> None:
    """session.info["flushed_writes"]: this transaction inserted, updated or deleted
    something (the unit of work refuses to wait on another service then)."""

    @event.listens_for(sessions, "before_flush")
    def _flushing(session: Session, *_: object) -> None:
        if session.new or session.dirty or session.deleted:
            session.info["flushed_writes"] = True

    @event.listens_for(sessions, "do_orm_execute")
    def _executing(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            state.session.info["flushed_writes"] = True

    @event.listens_for(sessions, "after_transaction_end")
    def _ended(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            session.info.pop("flushed_writes", None)


def database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not answering"; /healthz says so
        return False
    return True


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched. Session.execute() is typed as returning a
    Result; for a DML statement it is a CursorResult, which has the count."""
    return cast("CursorResult[Any]", result).rowcount
