"""Fixtures shared by the unit and end-to-end tests."""

from __future__ import annotations

import pytest

from tests.processes import running_gateway


@pytest.fixture(scope="session")
def gateway_url(tmp_path_factory) -> str:
    """The real gateway, serving the sample directory (no Rasa behind it)."""
    with running_gateway(tmp_path_factory.mktemp("gateway")) as url:
        yield url
