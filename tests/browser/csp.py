"""What the browser refused under the console's Content-Security-Policy: chromium reports
each refused script, style or image on the page's console. A page that loses its script or
its charts' styles to the policy still opens, so the browser tests ask for this list."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page


def csp_refusals(page: Page) -> list[str]:
    """A list that fills, from now on, with the page's reports of refused content."""
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note)
    return refused
