"""The directory's generation: one number, raised by every write of the directory in the
writing transaction, so that it changes when, and only when, such a write commits, whichever
process made it (bot/directory/cache.py keeps records in memory while it stays the same)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.directory.models import DirectoryGeneration


def bump(session: Session) -> None:
    """The directory changes in this transaction: its generation moves on when it commits
    (rolled back with it, savepoints included)."""
    session.execute(
        update(DirectoryGeneration)
        .values(generation=DirectoryGeneration.generation + 1)
        .execution_options(synchronize_session=False)
    )


def generation(session: Session) -> int | None:
    """The directory's generation as this transaction sees it (None: no row, no caching)."""
    return session.scalar(select(DirectoryGeneration.generation).limit(1))
