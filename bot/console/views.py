"""The console's routes, one module per job, gathered in one router (the signals page has its
own: signals_page.py). Every page needs a logged-in staff member whose role the route admits
(deps.require_role); a staff member sees only their housing company's conversations (403
otherwise); every form that changes something carries the session's CSRF token; each request
is one unit of work (bot/core/deps.py); what staff do is written to the audit trail."""

from __future__ import annotations

from fastapi import APIRouter

from bot.console import (
    account,
    alerts,
    callbacks,
    canned,
    claims,
    closed_places,
    conversation,
    conversations_page,
    curation,
    directory_transfer,
    labels,
    login,
    queue_page,
    redelivery,
    replies,
)

router = APIRouter()
for job in (
    login,
    account,
    queue_page,
    conversation,
    claims,
    replies,
    redelivery,
    callbacks,
    canned,
    alerts,
    conversations_page,
    labels,
    curation,
    directory_transfer,
    closed_places,
):
    router.include_router(job.router)
