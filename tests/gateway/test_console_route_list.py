"""The console's routes are all in tests/security/console_routes.py, whose lists the
security tests walk against the real gateway: a new form or page cannot escape the
authorization and header tests."""

from __future__ import annotations

from fastapi.routing import iter_route_contexts

from bot.core.settings import Settings
from bot.gateway.app import create_app
from tests.security.console_routes import OWN_ACCOUNT, PAGES, READ_ONLY_POSTS, STATE_CHANGING


def console_routes(tmp_path, method: str) -> set[str]:
    app = create_app(Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'g.db'}"))
    return {
        route.path
        for route in iter_route_contexts(app.routes)
        if route.path.startswith("/console") and method in (route.methods or ())
    }


def test_every_console_form_is_listed_for_the_authorization_tests(tmp_path) -> None:
    assert console_routes(tmp_path, "POST") == set(STATE_CHANGING) | OWN_ACCOUNT | READ_ONLY_POSTS
    assert not console_routes(tmp_path, "PUT") | console_routes(tmp_path, "DELETE")


def test_every_console_page_is_listed_for_the_header_tests(tmp_path) -> None:
    assert console_routes(tmp_path, "GET") == set(PAGES)
