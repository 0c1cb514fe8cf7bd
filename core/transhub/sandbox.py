"""Sandboxes: a provider's emulator, and how to point the provider at it.

A plugin registers a :class:`Sandbox` through the ``register_sandboxes`` hook; the
core starts its emulator on a free loopback port for ``transhub --sandbox`` and
``transhub sandbox serve``, and applies the settings :attr:`Sandbox.environment`
returns (endpoint and test credentials) so the command runs unchanged over real HTTP
with real signatures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class SandboxOptions:
    """How an emulator started by the core behaves."""

    #: Seconds a remote task takes from submit to done.
    task_seconds: float = 2.0
    #: Seconds a finished result stays downloadable.
    result_ttl: float = 3600.0
    #: Public base URL the emulator is reached at (for result URLs it hands out).
    base_url: str = ""


@dataclass(frozen=True)
class Sandbox:
    """A provider's emulator as the core sees it.

    ``create_app(options)`` returns the WSGI application (with ``log`` and
    ``faults`` attributes, see :mod:`transhub.emulation`); ``environment(base_url)``
    returns the environment variables that point the provider at an emulator
    serving at ``base_url`` with the emulator's test credentials.
    """

    provider: str
    create_app: Callable[[SandboxOptions], WsgiApp]
    environment: Callable[[str], dict[str, str]]
    description: str = ""
    #: Whether clients of this service insist on https (the vendor SDK does).
    needs_tls: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
