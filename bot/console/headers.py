"""Security headers on every answer of the gateway (a pure ASGI middleware), and the
console's own on top: a Content-Security-Policy without inline script or style (the
console's script and styles are files under /console/static), no framing, no MIME
sniffing, no referrer, and `Cache-Control: no-store` on every console page and CSV, so
that a shared PC's browser keeps no transcript of a vulnerable tenant's conversation."""

from __future__ import annotations

import base64
import hashlib
import html
import re

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def console_policy(style_sources: str = "'self'") -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style_sources}",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        )
    )


CONSOLE_POLICY = console_policy()
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)


def with_style_hashes(response: Response) -> Response:
    """A page with server-drawn charts (pygal's SVG carries its own <style> elements): its
    policy allows exactly those styles, by their SHA-256, and nothing else inline. Inside
    an inline SVG the browser decodes character references in a <style> (pygal writes `>`
    as `&gt;`) and hashes the decoded text, so that is the one allowed."""
    body = bytes(response.body).decode()
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in map(html.unescape, INLINE_STYLE.findall(body))
    }
    response.headers["Content-Security-Policy"] = console_policy(
        " ".join(["'self'", *sorted(hashes)])
    )
    return response


EVERY_ANSWER = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # HTTPS only, for a year, once a browser has reached the gateway over HTTPS (browsers
    # ignore it over plain HTTP, so development on http://localhost is unaffected); not for
    # subdomains: the housing company's other hosts are not ours to decide for
    "Strict-Transport-Security": "max-age=31536000",
}
CONSOLE_ANSWER = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",  # what older proxies read
}
# The console's script and styles may be cached: they hold no tenant data.
CACHEABLE = "/console/static/"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        console = path.startswith("/console") and not path.startswith(CACHEABLE)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_ANSWER.items():
                    headers.setdefault(name, value)
                if console:
                    for name, value in CONSOLE_ANSWER.items():
                        headers[name] = value
                    # a page's own, stricter-by-hash policy (with_style_hashes) stays
                    headers.setdefault("Content-Security-Policy", CONSOLE_POLICY)
            await send(message)

        await self.app(scope, receive, with_headers)
