"""The providers' emulators on loopback, started with transhub's own machinery.

Alibaba runs through :class:`transhub.sandbox.SandboxSession` exactly as
``transhub --sandbox`` runs it.  Fanyigou runs through :func:`transhub.testing.serve`
with the emulator's own options, because the benchmark needs knobs that
:class:`~transhub.sandbox.SandboxOptions` does not carry (channels, balances for
50 MB text files, a callback URL) and a TLS context for the vendor SDK.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Enough of every balance for the largest run (a 50 MB text is ~26,000 pages).
BALANCES = {1: 10**8, 2: 10**8, 3: 10**8, 4: 10**8}


@dataclass
class Emulator:
    """A running emulator: its URL, its WSGI app (``.log``: the request log) and the
    environment that points its provider at it."""

    url: str
    app: Any
    environment: dict[str, str]


@contextlib.contextmanager
def fanyigou(
    *,
    task_seconds: float,
    channels: int = 1,
    callback_url: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> Iterator[Emulator]:
    """The Fanyigou emulator: tasks take ``task_seconds``; ``channels`` at once."""
    from transhub.testing import serve

    from transhub_fanyigou.emulator import EmulatorOptions, create_app
    from transhub_fanyigou.sandbox import environment

    options = EmulatorOptions(
        task_seconds=task_seconds,
        channels=channels,
        callback_url=callback_url,
        balances=dict(BALANCES),
    )
    app = create_app(options)
    try:
        with serve(app, ssl_context=ssl_context) as server:
            yield Emulator(server.url, app, environment(server.url))
    finally:
        app.close()


@contextlib.contextmanager
def alibaba(*, task_seconds: float) -> Iterator[Emulator]:
    """The Alibaba emulator, as the core's sandbox session starts it."""
    from transhub.registry import Registry
    from transhub.sandbox import SandboxOptions, SandboxSession

    sandboxes = [s for s in Registry(only=["alibaba"]).sandboxes() if s.provider == "alibaba"]
    session = SandboxSession(sandboxes, SandboxOptions(task_seconds=task_seconds))
    (running,) = session.start()
    try:
        yield Emulator(running.url, running.app, running.environment)
    finally:
        session.stop()


@contextlib.contextmanager
def callback_receiver(home: Path) -> Iterator[str]:
    """Fanyigou's callback receiver (the plugin's own), recording into the store a
    client with ``TRANSHUB_HOME=home`` reads; yields its URL."""
    from transhub.testing import serve

    from transhub_fanyigou.callbacks import CallbackReceiver, CallbackStore
    from transhub_fanyigou.emulator import TEST_PRIVATE_KEY

    # CallbackStore.default() of a process whose TRANSHUB_HOME is ``home``.
    store = CallbackStore(home / "data" / "fanyigou" / "callbacks")
    with serve(CallbackReceiver(TEST_PRIVATE_KEY, store)) as server:
        yield f"{server.url}/"


def tls_context(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for 127.0.0.1 signed by a throw-away CA (needs ``trustme``),
    and the CA's PEM file in ``folder`` (for ``REQUESTS_CA_BUNDLE``)."""
    import trustme

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    bundle = folder / "benchmark-ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return context, bundle
