"""The database schema's revision, checked when a process starts.

Only `python -m bot.gateway migrate` changes the schema (Alembic, bot/gateway/migrations);
every other process (the gateway serving, the directory, privacy, signals and console
commands) calls `require_current_schema` first and refuses to start on a database that is
missing, empty or at another revision than this code's migrations end with. The migrations
folder is found by path: the core layer does not import the gateway."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parents[1] / "gateway" / "migrations"
MIGRATE_COMMAND = "python -m bot.gateway migrate"


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def head_revisions() -> frozenset[str]:
    """The revisions this code's migrations end with (one, unless they branch)."""
    return frozenset(_scripts().get_heads())


@dataclass(frozen=True)
class SchemaState:
    database: str  # the URL, password hidden
    current: frozenset[str]  # empty: no schema (a new database, or nothing there at all)
    head: frozenset[str]
    known: frozenset[str]  # every revision of this code's migrations

    @property
    def is_current(self) -> bool:
        return self.current == self.head

    def problem(self) -> str | None:
        """What is wrong, in a sentence naming the command that fixes it; None when current."""
        if self.is_current:
            return None
        if not self.current:
            found = "has no schema yet"
        elif not self.current <= self.known:
            found = (
                f"is at revision {_names(self.current)}, which this code does not know "
                "(a newer release migrated it?)"
            )
        else:
            found = f"is at revision {_names(self.current)}, this code needs {_names(self.head)}"
        return (
            f"The database {self.database} {found}. "
            f"Run `{MIGRATE_COMMAND}` (same DATABASE_URL) first, then start this again."
        )


def schema_state(database_url: str) -> SchemaState:
    """The database's current revision next to the code's, without changing anything (a
    missing SQLite file is not created)."""
    url = make_url(database_url)
    shown = url.render_as_string(hide_password=True)
    scripts = _scripts()
    head = frozenset(scripts.get_heads())
    known = frozenset(script.revision for script in scripts.walk_revisions())
    file = url.database if url.get_backend_name() == "sqlite" else None
    if file and file != ":memory:" and not Path(file).is_file():
        return SchemaState(shown, frozenset(), head, known)  # not created by looking
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return SchemaState(shown, current, head, known)


class SchemaNotCurrent(SystemExit):
    """Raised at start on a missing or old schema: exits with status 1 and the message."""


def require_current_schema(database_url: str) -> None:
    """Return when the schema is at head; otherwise exit (status 1) with a message that
    names the migrate command. An unreachable database exits the same way."""
    try:
        state = schema_state(database_url)
    except SQLAlchemyError as error:
        shown = make_url(database_url).render_as_string(hide_password=True)
        raise SchemaNotCurrent(
            f"error: cannot read the schema revision of the database {shown}: "
            f"{error.__class__.__name__}: {str(error).splitlines()[0]}"
        ) from error
    problem = state.problem()
    if problem is not None:
        raise SchemaNotCurrent(f"error: {problem}")


def _names(revisions: frozenset[str]) -> str:
    return ", ".join(sorted(revisions))
