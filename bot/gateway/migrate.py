"""Alembic, driven from code: `python -m bot.gateway migrate` (make run, the compose file's
one-shot `migrate` service, the Procfile's release phase) and the tests' fixtures all bring
the schema to head through `upgrade_to_head`. Nothing else migrates: every other process
checks the revision at start (bot/core/schema.py) and refuses an old or missing schema."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from bot.core.schema import MIGRATIONS, schema_state


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade_to_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


def migrate(database_url: str) -> str:
    """Bring the schema to head; says what it did, in one line."""
    before = schema_state(database_url)
    if before.is_current:
        return f"The database {before.database} is already at {', '.join(sorted(before.head))}."
    upgrade_to_head(database_url)
    after = schema_state(database_url)
    was = ", ".join(sorted(before.current)) or "no schema"
    now = ", ".join(sorted(after.current))
    return f"Migrated the database {after.database} from {was} to {now}."
