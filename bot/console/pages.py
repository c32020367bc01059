"""The console's HTML pages: one Jinja environment, and what every page is given (the
staff member's words, the CSRF token for its forms, the handoff reasons' names)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from bot.console.deps import Staff
from bot.console.i18n import reason_label, words
from bot.console.security import csrf_token

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


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
