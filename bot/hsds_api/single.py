"""One record by id, shared by every `/<kind>/{id}` endpoint: found, or a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bot.core.deps import UnitOfWorkDep
from bot.hsds_api.errors import not_found


async def found_or_404(
    work: UnitOfWorkDep,
    label: str,
    record_id: str,
    read: Callable[[Session], dict[str, Any] | None],
) -> dict[str, Any]:
    """What `read` finds, else a 404 naming `label`. An id holding NUL, which no
    database can store or look up, is unknown without asking the database."""
    found = None if "\x00" in record_id else await work.run(read)
    if found is None:
        raise not_found(label, record_id)
    return found
