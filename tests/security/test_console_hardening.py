"""The console's pages against the real gateway process: security headers on every page
(tests/security/console_routes.py lists them all, checked against the app's routes), no
inline script or style for the CSP to allow, nothing reflected from the query, and a
tenant's earlier requests shown only to the housing company they were made to."""

from __future__ import annotations

import re

import pytest
import requests

from tests.security.console_client import ConsoleClient, sql
from tests.security.console_routes import CURATOR_PAGES, PAGES

EXPECTED = {
    "Content-Security-Policy": "script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|\sstyle=", re.IGNORECASE)
# the signals page's charts are SVG images with their own <style>, allowed by its hash
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL | re.IGNORECASE)


def inline_code(page: str) -> str | None:
    """The first script, event handler or style written into the page, if any."""
    found = INLINE.search(page) or re.search(r"<style", SVG.sub("", page), re.IGNORECASE)
    return found.group(0) if found else None


def check_headers(answer) -> None:  # noqa: ANN001
    for name, part in EXPECTED.items():
        assert part in answer.headers.get(name, ""), (answer.url, name, answer.headers.get(name))
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy


@pytest.mark.parametrize("page", PAGES)
def test_every_console_page_carries_the_security_headers(desk, page) -> None:
    gateway, ids, browsers = desk
    reader = browsers["cur@own.example" if page in CURATOR_PAGES else "adm@own.example"]
    answer = reader.get(page.format(**ids))
    check_headers(answer)
    if answer.status_code == 200 and "html" in answer.headers["Content-Type"]:
        assert inline_code(answer.text) is None, (page, inline_code(answer.text))


def test_the_pages_before_login_carry_them_too(desk) -> None:
    gateway, _, _ = desk
    stranger = ConsoleClient(gateway.url)
    for page in ("/console/login", "/console/", "/console/login/second-factor"):
        check_headers(stranger.get(page))


def test_the_main_pages_open_and_name_no_inline_code(desk) -> None:
    gateway, ids, browsers = desk
    for email, page in (
        ("adm@own.example", "/console/"),
        ("cw@own.example", "/console/handoffs/{handoff_id}"),
        ("adm@own.example", "/console/canned"),
        ("adm@own.example", "/console/staff"),
        ("coo@own.example", "/console/signals"),
        ("aud@own.example", "/console/account/password"),
        ("cur@own.example", "/console/directory"),
        ("cur@own.example", "/console/directory/services/{service_id}"),
    ):
        answer = browsers[email].get(page.format(**ids))
        assert answer.status_code == 200, (email, page)
        assert inline_code(answer.text) is None, (page, inline_code(answer.text))
    script = browsers["adm@own.example"].get("/console/static/queue.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]


def test_a_message_in_the_query_is_never_shown(desk) -> None:
    gateway, _, browsers = desk
    page = browsers["adm@own.example"].get("/console/?m=<script>alert(1)</script>Appelez+le+0800")
    assert page.status_code == 200
    assert "alert(1)" not in page.text and "0800" not in page.text


def test_a_notice_is_the_consoles_words_and_names_only_the_own_companys_staff(desk) -> None:
    """`?m=` picks a notice from a fixed list (here: the conversation is already taken);
    who holds it is read by the gateway, for the staff member's own company only."""
    gateway, ids, browsers = desk
    link = f"/console/?m=taken&handoff={ids['handoff_id']}"
    own = browsers["adm@own.example"].get(link).text
    assert "Déjà pris en charge par Cw" in own  # the desk's caseworker holds it
    other = browsers["cw@other.example"].get(link)
    assert other.status_code == 200
    assert "Déjà pris en charge par" in other.text
    assert "Déjà pris en charge par Cw" not in other.text


def test_every_other_answer_of_the_gateway_carries_the_general_headers(desk) -> None:
    """Outside the console: no MIME sniffing, no framing, no referrer, HTTPS only; the console's
    script may be cached (it holds no tenant data), its pages never."""
    gateway, _, browsers = desk
    for answer in (
        requests.get(gateway.url + "/healthz", timeout=30),
        requests.get(gateway.url + "/no-such-page", timeout=30),
        browsers["adm@own.example"].get("/console/static/handoff.js"),
    ):
        for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
            assert answer.headers.get(name) == EXPECTED[name], (answer.url, name)
        assert "max-age=" in answer.headers.get("Strict-Transport-Security", ""), answer.url
        assert "no-store" not in answer.headers.get("Cache-Control", ""), answer.url
    check_headers(browsers["adm@own.example"].get("/console/no-such-page"))


def test_earlier_requests_show_only_the_staff_members_company(desk) -> None:
    gateway, ids, browsers = desk
    (contact_id, company) = sql(
        gateway, "SELECT contact_id, company_id FROM handoff WHERE id = ?", ids["handoff_id"]
    )[0]
    (other,) = sql(gateway, "SELECT id FROM housing_company WHERE id != ?", company)[0]
    # the same tenant asked the other housing company too, last month
    for owner in (company, other):
        sql(
            gateway,
            "INSERT INTO handoff (contact_id, company_id, sender_id, reason, urgent, status,"
            " language, channel, summary, opened_at, closed_at, handed_back,"
            " joined_notice_sent) VALUES (?, ?, 'x', 'asked', 0, 'closed', 'fr', 'sms', '{}',"
            " '2026-11-01 10:00:00', '2026-11-01 11:00:00', 0, 0)",
            contact_id,
            owner,
        )
    mine, theirs = (
        sql(gateway, "SELECT id FROM handoff WHERE company_id = ? AND status = 'closed'", owner)[0][
            0
        ]
        for owner in (company, other)
    )
    page = browsers["cw@own.example"].get(f"/console/handoffs/{ids['handoff_id']}").text
    assert f'href="/console/handoffs/{mine}"' in page
    assert f'href="/console/handoffs/{theirs}"' not in page
