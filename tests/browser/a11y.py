"""axe-core in the browser tests: the axe.min.js that the axe-playwright-python wheel ships
(requirements/gateway-dev.in; no CDN, nothing fetched at run time) run on the page as it is
now, every rule on. A violation of impact "serious" or "critical" fails a test; the others,
and what axe could not decide, are kept for the record."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING = ("serious", "critical")
_AXE = Axe()


def run_axe(page: Page) -> dict[str, list[dict]]:
    """axe-core's findings on the page, every rule it has (WCAG and best practices):
    "violations", and "incomplete" (what it could not decide: for a person to look at)."""
    results = _AXE.run(page, options={"resultTypes": ["violations", "incomplete"]})
    return {key: list(results.response[key]) for key in ("violations", "incomplete")}


def blocking(found: list[dict]) -> list[dict]:
    return [violation for violation in found if violation.get("impact") in BLOCKING]


def describe(page_name: str, found: list[dict]) -> str:
    """One line per violation: the rule, its impact, the elements (axe's CSS selectors)."""
    lines = []
    for violation in found:
        targets = "; ".join(
            " ".join(str(part) for part in node["target"]) for node in violation["nodes"]
        )
        lines.append(
            f"{page_name}: {violation['id']} ({violation['impact']}) — {violation['help']}"
            f" — {targets}"
        )
    return "\n".join(lines)
