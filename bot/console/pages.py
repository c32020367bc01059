"""The console's HTML pages: one Jinja environment, and what every page is given (the
staff member's words, the CSRF token for its forms, the handoff reasons' names). Times are
shown in Brussels time, as tenants are told, whatever the server's clock zone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from bot.console.deps import Staff
from bot.console.i18n import reason_label, words
from bot.console.security import csrf_token
from bot.hsds_profile import TIME_ZONE

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def brussels(moment: datetime | None, pattern: str = "%d/%m %H:%M") -> str:
    """A stored (UTC) time as the wall clock in Brussels shows it."""
    return moment.astimezone(TIME_ZONE).strftime(pattern) if moment else ""


templates.env.filters["brussels"] = brussels


def render(
    request: Request,
    template: str,
    staff: Staff | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """A page in the staff member's language (before login: the `lang` query, French)."""
    language = staff.language if staff else request.query_params.get("lang", "fr")
    return templates.TemplateResponse(
        request,
        template,
        {
            "w": words(language),
            "lang": language,
            "staff": staff,
            "csrf": csrf_token(request),
            "reason": lambda code: reason_label(code, language),
            **context,
        },
        status_code=status_code,
    )
