"""Two listeners, one app: the public port (webhooks, the console, the directory API) and
the private one (INTERNAL_HOST:INTERNAL_PORT, loopback or the internal network) for the
action server's internal API and the metrics. A request for a private route on the public
port, or for a public route on the private port, is a 404, as if the route did not exist.

The listener is told apart by the local port the request came in on (the ASGI scope's
`server`), which the operating system sets: no header a client could forge."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

PRIVATE_PREFIXES = ("/internal/", "/metrics")
# Answer on both: the load balancer and the operator each ask their own port.
BOTH = ("/healthz",)


def is_private(path: str) -> bool:
    return path == "/internal" or any(path.startswith(prefix) for prefix in PRIVATE_PREFIXES)


class ListenerSplit:
    def __init__(self, app: ASGIApp, internal_port: int) -> None:
        self.app, self.internal_port = app, internal_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path = scope.get("path", "")
            server = scope.get("server") or (None, None)
            on_private_port = server[1] == self.internal_port
            if path not in BOTH and is_private(path) != on_private_port:
                await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
                return
        await self.app(scope, receive, send)
