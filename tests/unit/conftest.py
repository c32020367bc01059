"""The trained model (`make train`), loaded once for every unit test that parses with it."""

from __future__ import annotations

from pathlib import Path

import pytest

MODEL = Path(__file__).resolve().parents[2] / "models" / "tenant-assistant.tar.gz"


@pytest.fixture(scope="session")
def agent():
    if not MODEL.exists():
        pytest.skip("no trained model: make train")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))
