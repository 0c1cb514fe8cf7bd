"""Sandboxes: a provider's emulator, and how to point the provider at it.

A plugin registers a :class:`Sandbox` through the ``register_sandboxes`` hook; the
core starts its emulator on a free loopback port for ``transhub --sandbox`` and
``transhub sandbox serve``, and applies the settings :attr:`Sandbox.environment`
returns (endpoint and test credentials) so the command runs unchanged over real HTTP
with real signatures.

From Python, ``transhub.Hub(sandbox=True)`` — or ``TRANSHUB_SANDBOX=1`` in the
environment — does what ``--sandbox`` does, through :func:`activate`: the emulators
run for the rest of the process (or until :func:`deactivate`).
"""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transhub.registry import Registry


def require_extras(*modules: str) -> None:
    """A :class:`~transhub.errors.ConfigurationError` naming the install command
    when a module the sandbox needs is missing."""
    from transhub.extras import require

    require("sandbox", *modules)


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
        tls_folder: Path | None = None,
    ) -> None:
        self.sandboxes = sandboxes
        self.options = options or SandboxOptions()
        self.host = host
        self.port_base = port_base
        self.tls_folder = tls_folder
        #: The CA bundle clients must trust, when serving TLS.
        self.ca_bundle: Path | None = None
        self.running: list[RunningSandbox] = []

    def _ssl_context(self) -> ssl.SSLContext | None:
        """With ``tls_folder``: a server context whose certificate a throw-away CA
        signed; the CA is written to ``tls_folder/ca.pem`` for clients to trust.  Only
        the sandboxes that declare ``needs_tls`` serve https."""
        if self.tls_folder is None:
            return None
        require_extras("trustme")
        import trustme

        authority = trustme.CA()
        certificate = authority.issue_cert(self.host, "localhost", "127.0.0.1")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate.configure_cert(context)
        self.tls_folder.mkdir(parents=True, exist_ok=True)
        self.ca_bundle = self.tls_folder / "ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_bundle))
        return context

    def start(self) -> list[RunningSandbox]:
        """Start every emulator; return them running."""
        from dataclasses import replace

        require_extras("werkzeug")
        from transhub.emulation import EmulatorServer

        context = self._ssl_context()
        for index, sandbox in enumerate(self.sandboxes):
            deferred = _Deferred()
            port = self.port_base + index if self.port_base else 0
            # TLS only where the service's own clients insist on it: other SDKs may not
            # honour a custom CA bundle.
            tls = context if sandbox.needs_tls else None
            server = EmulatorServer(deferred, host=self.host, port=port, ssl_context=tls).start()
            app = sandbox.create_app(replace(self.options, base_url=server.url))
            deferred.app = app
            self.running.append(
                RunningSandbox(sandbox, server, app, sandbox.environment(server.url))
            )
        return self.running

    def environment(self) -> dict[str, str]:
        """Every running emulator's settings, merged (and the CA bundle to trust)."""
        merged: dict[str, str] = {}
        if self.ca_bundle is not None:
            merged["REQUESTS_CA_BUNDLE"] = str(self.ca_bundle)
        for running in self.running:
            merged.update(running.environment)
        return merged

    def stop(self) -> None:
        """Stop every emulator."""
        for running in self.running:
            running.server.stop()
        self.running = []


class _Process:
    """The process's sandbox session and the environment it replaced."""

    lock = threading.Lock()
    session: SandboxSession | None = None
    saved: dict[str, str | None] = {}  # noqa: RUF012 - one per process, on purpose


def active() -> SandboxSession | None:
    """The sandbox session this process runs in, if any."""
    return _Process.session


def activate(registry: Registry, options: SandboxOptions | None = None) -> SandboxSession:
    """Sandbox mode for this process: start every installed emulator on loopback and
    point its provider at it (endpoints and test credentials in ``os.environ``, and
    ``TRANSHUB_SANDBOX=1`` so jobs go to a separate journal).  Idempotent: a second
    call returns the running session."""
    with _Process.lock:
        if _Process.session is not None:
            return _Process.session
        session = SandboxSession(registry.sandboxes(), options or SandboxOptions(task_seconds=1.0))
        session.start()
        import atexit

        atexit.register(deactivate)
        for key, value in {"TRANSHUB_SANDBOX": "1", **session.environment()}.items():
            _Process.saved.setdefault(key, os.environ.get(key))
            os.environ[key] = value
        _Process.session = session
        return session


def deactivate() -> None:
    """Stop the emulators and restore the environment :func:`activate` changed."""
    with _Process.lock:
        if _Process.session is not None:
            _Process.session.stop()
            _Process.session = None
        for key, value in _Process.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _Process.saved.clear()


def for_hub(sandbox: bool | None, registry: Registry) -> SandboxSession | None:
    """What :class:`~transhub.Hub` calls: sandbox mode when ``sandbox`` is true, or
    when it is ``None`` and ``TRANSHUB_SANDBOX`` is set (the CLI's ``--sandbox`` and a
    script's environment mean the same)."""
    from transhub.paths import sandboxed

    if sandbox or (sandbox is None and sandboxed()):
        return activate(registry)
    return None
