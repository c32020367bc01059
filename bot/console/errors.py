"""A console request that cannot be done, as a page in the staff member's language (the
browser's view; a script or a test asking for JSON still gets FastAPI's JSON), with what
they typed kept on the page when the request carried a text: a reply refused because a
supervisor passed the conversation on meanwhile is not lost."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.console.access import CLOSED, NOT_HOLDER, OTHER_COMPANY
from bot.console.deps import Staff
from bot.console.pages import render
from bot.console.security import CSRF_REFUSED

# the refusals' messages (bot/console/access.py, ...) -> the console's words for them
MESSAGES = {
    NOT_HOLDER: "error_not_holder",
    CLOSED: "error_closed",
    OTHER_COMPANY: "error_other_company",
    CSRF_REFUSED: "error_expired",
    "the tenant sent STOP: nothing can be sent": "error_stopped",
}
BY_STATUS = {403: "error_forbidden", 404: "error_not_found"}


class KeptText(HTTPException):
    """A refusal of a request that carried a text (a reply, a note): the page shows it back,
    with a link to the conversation."""

    def __init__(self, refusal: HTTPException, kept: str, back: str) -> None:
        super().__init__(refusal.status_code, refusal.detail, refusal.headers)
        self.kept, self.back = kept, back


def _wants_a_page(request: Request) -> bool:
    return request.url.path.startswith("/console") and "text/html" in request.headers.get(
        "accept", ""
    )


async def console_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code < 400 or not _wants_a_page(request):
        return await http_exception_handler(request, error)
    staff: Staff | None = getattr(request.state, "staff", None)
    key = MESSAGES.get(str(error.detail)) or BY_STATUS.get(error.status_code, "error_other")
    return render(
        request,
        "error.html",
        staff,
        status_code=error.status_code,
        message_key=key,
        kept=getattr(error, "kept", None),
        back=getattr(error, "back", None),
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, console_error)
