"""Run a WSGI emulator on a free loopback port in a background thread."""

from __future__ import annotations

import ssl
import threading
from types import TracebackType
from typing import Any

from transhub.emulation.faults import WsgiApp


class EmulatorServer:
    """A threaded werkzeug server for one emulator.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.  ``port=0``
    takes a free port; :attr:`url` is the base URL once started.
    """

    def __init__(
        self,
        app: WsgiApp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's base URL, e.g. ``http://127.0.0.1:53117``."""
        if self._server is None:
            raise RuntimeError("the emulator server is not running")
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self._server.server_port}"

    def start(self) -> EmulatorServer:
        """Bind and serve in a daemon thread; return self."""
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            """Emulators are noisy enough through their request log."""

            def log(self, type: str, message: str, *args: Any) -> None:
                return

        self._server = make_server(
            self.host,
            self.port,
            self.app,
            threaded=True,
            request_handler=QuietHandler,
            ssl_context=self.ssl_context,
        )
        self._server.daemon_threads = True
        # A short poll interval keeps stop() quick (tests start many servers).
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator:{self.url}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
