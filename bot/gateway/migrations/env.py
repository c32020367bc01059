"""Alembic environment: the URL comes from bot.gateway.migrate (or DATABASE_URL)."""

from __future__ import annotations

from alembic import context

import bot.contacts.models  # noqa: F401  (contacts, outbox...)
import bot.curation.models  # noqa: F401  (directory curation: versions, reports)
import bot.directory.models  # noqa: F401  (registers the directory's tables)
import bot.handoff.models  # noqa: F401  (handoffs, staff, audit)
import bot.privacy.models  # noqa: F401  (Twilio erasures to do)
import bot.reminders.models  # noqa: F401  (activity reminders)
import bot.signals.models  # noqa: F401  (anonymous signals)
from bot.core.db import Base, make_engine
from bot.core.settings import Settings

url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
