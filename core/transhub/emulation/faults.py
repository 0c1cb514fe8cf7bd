"""Fault injection for emulators: failures a real network and a real provider produce.

Two ways to ask for faults, usable together:

* rates (``Faults(error_rate=0.1, drop_rate=0.05, …)``) for soak tests, drawn from
  a seeded random generator so a run can be replayed;
* queued one-shot faults (``faults.queue(Fault.DROP_AFTER, action="uploadTranslate")``)
  for tests that need one exact failure at one exact place.
"""

from __future__ import annotations

import contextlib
import enum
import random
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_PROXY_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


class Fault(str, enum.Enum):
    """A failure the injector can produce."""

    ERROR = "error"
    """Answer HTTP 502 with an HTML proxy page; the request is not processed."""
    DROP_BEFORE = "drop-before"
    """Close the connection without processing the request or answering."""
    DROP_AFTER = "drop-after"
    """Process the request, then drop the connection half-way through the answer."""
    DELAY = "delay"
    """Wait ``delay_seconds`` before processing."""
    THROTTLE = "throttle"
    """Answer with the provider's own "too many requests" error; not processed."""
    HTML = "html"
    """Answer HTTP 200 with an HTML page instead of JSON."""
    MALFORMED = "malformed"
    """Process the request, then answer HTTP 200 with a complete body of broken JSON."""


def _receive_body(environ: dict[str, Any]) -> None:
    """Read a request's whole body now, and let the application read it from memory
    later (the client may be gone by then: the body had arrived)."""
    import io

    from werkzeug.wsgi import get_input_stream

    environ["wsgi.input"] = io.BytesIO(get_input_stream(environ).read())


class Hold:
    """A request held at the emulator's door: :attr:`arrived` is set once the whole
    request has come in (its body read, so a client killed after that moment has
    still delivered it, as a real service would have received it); it proceeds (and
    is processed) only once :meth:`release` is called.  Lets a test act at an exact
    moment, e.g. kill the client while its paid submit is in flight."""

    def __init__(self, action: str, timeout: float) -> None:
        self.action = action
        self.timeout = timeout
        self.arrived = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        """Let the held request through."""
        self._released.set()

    def wait(self) -> None:
        """Called by the injector: block until released (or the timeout passes)."""
        self.arrived.set()
        self._released.wait(self.timeout)


@dataclass
class Faults:
    """Which faults to inject.  Rates are fractions of requests (0 to 1)."""

    error_rate: float = 0.0
    drop_rate: float = 0.0
    delay_rate: float = 0.0
    delay_seconds: float = 0.0
    throttle_rate: float = 0.0
    seed: int | None = None
    #: Apply rates only to these actions (``None``: every action).
    actions: frozenset[str] | None = None
    _queue: list[tuple[Fault, str | None]] = field(default_factory=list, repr=False)
    _holds: list[Hold] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def queue(self, fault: Fault, action: str | None = None, times: int = 1) -> None:
        """Inject ``fault`` on the next ``times`` requests (of ``action``, if given)."""
        with self._lock:
            self._queue.extend([(fault, action)] * times)

    def hold(self, action: str, timeout: float = 30.0) -> Hold:
        """Hold the next request of ``action`` until released (see :class:`Hold`)."""
        held = Hold(action, timeout)
        with self._lock:
            self._holds.append(held)
        return held

    def _take_hold(self, action: str) -> Hold | None:
        with self._lock:
            for index, held in enumerate(self._holds):
                if action.startswith(held.action):
                    return self._holds.pop(index)
        return None

    def pending(self) -> int:
        """How many queued faults have not fired yet."""
        with self._lock:
            return len(self._queue)

    def draw(self, action: str) -> list[Fault]:
        """The faults to apply to one request of ``action``."""
        with self._lock:
            for index, (fault, only) in enumerate(self._queue):
                if only is None or only == action:
                    del self._queue[index]
                    return [fault]
            if self.actions is not None and action not in self.actions:
                return []
            chosen: list[Fault] = []
            if self._random.random() < self.delay_rate:
                chosen.append(Fault.DELAY)
            roll = self._random.random()
            for fault, rate in (
                (Fault.ERROR, self.error_rate),
                (Fault.DROP_AFTER, self.drop_rate),
                (Fault.THROTTLE, self.throttle_rate),
            ):
                if roll < rate:
                    chosen.append(fault)
                    break
                roll -= rate
            return chosen


class _Dropped(ConnectionAbortedError):
    """Raised inside the response to make the server drop the connection quietly."""


class FaultInjector:
    """WSGI middleware that applies :class:`Faults` in front of an emulator.

    ``action_of`` names a request's action (for per-action faults and logs);
    ``throttle`` builds the provider's own "too many requests" answer.
    """

    def __init__(
        self,
        app: WsgiApp,
        faults: Faults,
        *,
        action_of: Callable[[dict[str, Any]], str],
        throttle: WsgiApp,
    ) -> None:
        self.app = app
        self.faults = faults
        self.action_of = action_of
        self.throttle = throttle

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        action = self.action_of(environ)
        held = self.faults._take_hold(action)
        if held is not None:
            _receive_body(environ)
            held.wait()
        chosen = self.faults.draw(action)
        if Fault.DELAY in chosen:
            time.sleep(self.faults.delay_seconds)
        if Fault.ERROR in chosen:
            start_response(
                "502 Bad Gateway",
                [("Content-Type", "text/html"), ("Content-Length", str(len(_PROXY_PAGE)))],
            )
            return [_PROXY_PAGE]
        if Fault.THROTTLE in chosen:
            return self.throttle(environ, start_response)
        if Fault.DROP_BEFORE in chosen:
            _drop(environ)
            raise _Dropped("fault injected: connection dropped before processing")
        if Fault.HTML in chosen:
            page = b"<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>"
            start_response(
                "200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(page)))]
            )
            return [page]
        if Fault.MALFORMED in chosen:
            self._consume(environ, start_response)
            body = b'{"code": 100, "data": {"ti'
            start_response(
                "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        if Fault.DROP_AFTER in chosen:
            captured: dict[str, Any] = {}

            def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
                captured["status"], captured["headers"] = status, headers

            body = b"".join(self.app(environ, capture))
            headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
            start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
            return self._cut(environ, body[: len(body) // 2])
        return self.app(environ, start_response)

    def _consume(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> None:
        """Run the app (so the request is processed) and throw its answer away."""
        for _ in self.app(environ, lambda *args, **kwargs: None):
            pass

    @staticmethod
    def _cut(environ: dict[str, Any], part: bytes) -> Iterator[bytes]:
        yield part
        _drop(environ)
        raise _Dropped("fault injected: connection dropped mid-response")


class EmulatorApp(FaultInjector):
    """A provider's emulated service behind fault injection, as a sandbox runs it:
    :attr:`emulator` is the service (its state, for tests) and :attr:`log` its request
    log.  A plugin subclasses it to give its service's own "too many requests"."""

    def __init__(
        self,
        emulator: Any,
        faults: Faults,
        *,
        action_of: Callable[[dict[str, Any]], str],
        throttle: WsgiApp,
    ) -> None:
        super().__init__(emulator, faults, action_of=action_of, throttle=throttle)
        self.emulator = emulator

    @property
    def log(self) -> Any:
        """The emulated service's request log (a :class:`~transhub.emulation.RequestLog`)."""
        return self.emulator.log


def _drop(environ: dict[str, Any]) -> None:
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):  # the client may have gone already
            sock.shutdown(socket.SHUT_RDWR)
