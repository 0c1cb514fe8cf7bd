"""Provider summaries: what ``transhub providers`` shows, as plain data.

Listing providers must stay fast with every plugin installed, so it does not build the
plugins' capability classes or settings (pydantic): each plugin also describes its
providers with a :class:`ProviderSummary` through the ``describe_providers`` hook,
and "configured" is read from the environment and the config file directly.  The
summaries are checked against the real registrations by the test suite (and by
``transhub providers --doctor``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequiredSetting:
    """A setting a provider cannot work without: its key in the provider's config
    table, and the environment variables that can set it (the first is transhub's own)."""

    key: str
    env: tuple[str, ...]

    def is_set(self, table: Mapping[str, Any], environ: Mapping[str, str]) -> bool:
        """Whether an environment variable or the config table gives it a value."""
        return any(environ.get(name) for name in self.env) or bool(table.get(self.key))

    def shown(self) -> str:
        """How to name it in a message: ``VAR`` or ``VAR (or OTHER)``."""
        first, *others = self.env
        return f"{first} (or {', '.join(others)})" if others else first


@dataclass(frozen=True)
class ProviderSummary:
    """One provider as ``transhub providers`` lists it."""

    name: str
    title: str
    capabilities: tuple[str, ...]
    required: tuple[RequiredSetting, ...] = ()

    def missing(
        self, config: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> list[str]:
        """The required settings that are not set (``config``: the whole config file)."""
        table = config.get(self.name, {})
        table = table if isinstance(table, Mapping) else {}
        env = os.environ if environ is None else environ
        return [r.shown() for r in self.required if not r.is_set(table, env)]
