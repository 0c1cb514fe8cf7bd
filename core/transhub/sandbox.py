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


@dataclass
class RunningSandbox:
    """One emulator serving, and the environment that points its provider at it."""

    sandbox: Sandbox
    server: Any
    app: Any
    environment: dict[str, str]

    @property
    def url(self) -> str:
        """The emulator's base URL."""
        return str(self.server.url)


class _Deferred:
    """A WSGI application set after its server has bound a port (the emulator
    needs its own URL to hand out result links)."""

    def __init__(self) -> None:
        self.app: WsgiApp | None = None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        assert self.app is not None, "the emulator is not ready yet"
        return self.app(environ, start_response)


class SandboxSession:
    """The emulators of the given sandboxes, each on its own loopback port.

    ``port_base`` 0 takes free ports; otherwise the emulators listen on
    ``port_base``, ``port_base + 1``, … in the order given.
    """

    def __init__(
        self,
        sandboxes: list[Sandbox],
        options: SandboxOptions | None = None,
        *,
        host: str = "127.0.0.1",
        port_base: int = 0,
    ) -> None:
        self.sandboxes = sandboxes
        self.options = options or SandboxOptions()
        self.host = host
        self.port_base = port_base
        self.running: list[RunningSandbox] = []

    def start(self) -> list[RunningSandbox]:
        """Start every emulator; return them running."""
        from dataclasses import replace

        from transhub.emulation import EmulatorServer

        for index, sandbox in enumerate(self.sandboxes):
            deferred = _Deferred()
            port = self.port_base + index if self.port_base else 0
            server = EmulatorServer(deferred, host=self.host, port=port).start()
            app = sandbox.create_app(replace(self.options, base_url=server.url))
            deferred.app = app
            self.running.append(
                RunningSandbox(sandbox, server, app, sandbox.environment(server.url))
            )
        return self.running

    def environment(self) -> dict[str, str]:
        """Every running emulator's settings, merged."""
        merged: dict[str, str] = {}
        for running in self.running:
            merged.update(running.environment)
        return merged

    def stop(self) -> None:
        """Stop every emulator."""
        for running in self.running:
            running.server.stop()
        self.running = []
