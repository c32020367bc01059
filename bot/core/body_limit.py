"""A request body limit enforced before anything parses the body (a pure ASGI middleware:
Starlette's BaseHTTPMiddleware would buffer it). A declared Content-Length above the limit
is answered 413 without reading a byte; a body sent in chunks is counted as it arrives and
cut at the limit (413, and the app is told the client went away). Every route of the
gateway takes small bodies (an SMS webhook, a Telegram update, a console form), so one
limit serves them all, but the few paths given a larger allowance (`larger`: the console's
upload of a whole directory)."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_LIMIT_BYTES = 64 * 1024


def _declared_length(scope: Scope) -> int | None:
    """The Content-Length header's value; -1 when it is not a number."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.strip().isdigit() else -1
    return None


class BodyLimit:
    def __init__(
        self, app: ASGIApp, limit: int = BODY_LIMIT_BYTES, larger: dict[str, int] | None = None
    ) -> None:
        self.app, self.default, self.larger = app, limit, dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.default)
        declared = _declared_length(scope)
        if declared is not None and (declared < 0 or declared > limit):
            await _too_large(scope, receive, send)
            return
        received = 0
        started = refused = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answered here, whatever the app does with the rest (a route may catch
                    # the disconnect and answer on its own: that answer is dropped).
                    refused = True
                    if not started:
                        await _too_large(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted_receive, watched_send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    # Connection: close, so the server does not read the rest of the body to reuse it.
    response = PlainTextResponse(
        "request too large", status_code=413, headers={"Connection": "close"}
    )
    await response(scope, receive, send)
