"""Every test gets a private ``TRANSHUB_HOME``, none of the developer's
``TRANSHUB_*`` variables, and only this plugin loaded — fixtures from transhub's
pytest plugin (``transhub.testing.plugin``), which pytest loads by itself."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def transhub_plugins() -> str:
    """Load this plugin only, whatever else is installed."""
    return "shout"


@pytest.fixture(autouse=True)
def isolated(transhub_home: Path) -> Path:
    """Applied to every test: see the module docstring."""
    return transhub_home
