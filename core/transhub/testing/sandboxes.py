"""A plugin's registered sandbox, running on loopback for a test.

:func:`running` starts the emulator a :class:`~transhub.sandbox.Sandbox` describes on
a free port behind a :class:`RecordingEmulator`, which records every request that
reaches the server (whatever the emulator's own log keeps) and can break one chosen
request with a :class:`~transhub.emulation.Fault`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from transhub.emulation import Fault, Faults
from transhub.sandbox import Sandbox, SandboxOptions

#: Options the kit starts emulators with: tasks finish quickly, results are kept.
FAST = SandboxOptions(task_seconds=0.2, result_ttl=3600.0)


class RecordingEmulator:
    """A running emulator: its base :attr:`url`, the :attr:`environment` that points
    the provider at it, and the :attr:`requests` it received (``"POST /path"``)."""

    def __init__(self, sandbox: Sandbox, app: Any) -> None:
        self.sandbox = sandbox
        self.app = app
        self.url = ""
        self.environment: dict[str, str] = {}
        self.requests: list[str] = []
        self._armed: dict[int, Fault] = {}
        self._lock = threading.Lock()

    @property
    def faults(self) -> Faults:
        """The emulator's fault injection (see :mod:`transhub.emulation.faults`)."""
        faults = getattr(self.app, "faults", None)
        if not isinstance(faults, Faults):
            raise TypeError(
                f"the {self.sandbox.provider} emulator has no `faults`: wrap its WSGI "
                "application in transhub.emulation.FaultInjector"
            )
        return faults

    @property
    def log(self) -> Any:
        """The emulator's own request log (a :class:`~transhub.emulation.RequestLog`)."""
        return getattr(self.app, "log", None)

    def break_request(self, fault: Fault, after: int = 0) -> None:
        """Inject ``fault`` into the request that arrives after ``after`` more requests
        (0: the very next one)."""
        with self._lock:
            self._armed[len(self.requests) + after] = fault

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        with self._lock:
            number = len(self.requests)
            self.requests.append(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}")
            fault = self._armed.pop(number, None)
        if fault is not None:
            self.faults.queue(fault)
        result: Iterable[bytes] = self.app(environ, start_response)
        return result


@contextlib.contextmanager
def running(
    sandbox: Sandbox, options: SandboxOptions = FAST, *, host: str = "127.0.0.1"
) -> Iterator[RecordingEmulator]:
    """Serve ``sandbox``'s emulator on a free loopback port for a ``with`` block."""
    from transhub.emulation import EmulatorServer

    app = sandbox.create_app(options)
    emulator = RecordingEmulator(sandbox, app)
    try:
        with EmulatorServer(emulator, host=host) as server:
            emulator.url = server.url
            emulator.environment = dict(sandbox.environment(server.url))
            yield emulator
    finally:
        close = getattr(app, "close", None)
        if callable(close):
            close()
