"""A real gateway process of the security tests' own (no Rasa needed for the console):
migrated, the sample housing companies loaded; staff accounts made per test."""

from __future__ import annotations

import pytest

from bot.devtools.gateway_process import GatewayProcess, running_gateway_process


@pytest.fixture
def security_gateway(tmp_path) -> GatewayProcess:
    """A new gateway per test: login throttling counts per client, and 127.0.0.1 is every
    test's client."""
    with running_gateway_process(tmp_path) as gateway:
        yield gateway
