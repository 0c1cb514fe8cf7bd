"""Run a WSGI emulator on a free loopback port in a background thread.

Connections are kept alive, as the providers' servers keep them (issue 17): werkzeug's
development server closes every connection after one answer, because it cannot know
whether the application read the whole request body, so a client measured against it
paid a new TCP connection per request that it never pays in production.  Here each
request's body is read to its declared end after the answer, so the next request on
the connection starts where it should.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, cast

from transhub.emulation.faults import WsgiApp

#: Answers written in pieces of this size.
_PIECE = 1024 * 1024


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
        #: The connections open now (kept alive): closed by :meth:`stop`.
        self._connections: set[Any] = set()

    @property
    def url(self) -> str:
        """The server's base URL, e.g. ``http://127.0.0.1:53117``."""
        if self._server is None:
            raise RuntimeError("the emulator server is not running")
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self._server.server_port}"

    def start(self) -> EmulatorServer:
        """Bind and serve in a daemon thread; return self."""
        from werkzeug.serving import make_server

        self._server = make_server(
            self.host,
            self.port,
            self.app,
            threaded=True,
            request_handler=_handler_class(self._connections),
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
        # A stopped emulator is gone for its clients too, as a stopped server is.
        for connection in list(self._connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
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


def _handler_class(connections: set[Any]) -> type[Any]:
    """werkzeug's request handler, quiet and keeping connections alive (see the
    module docstring); imported with the server, not with this module."""
    from werkzeug.serving import WSGIRequestHandler
    from werkzeug.wsgi import LimitedStream

    class KeepAliveHandler(WSGIRequestHandler):
        """One HTTP/1.1 connection serves many requests; anything unusual (HTTP/1.0,
        ``Connection: close``, ``Expect``, a chunked request body) is left to
        werkzeug's own handling, which closes the connection."""

        protocol_version = "HTTP/1.1"
        # The status line and headers go out in one write, the body in others: with
        # Nagle's algorithm the body of a kept-alive connection waits for the
        # client's delayed ACK (40 ms on Linux) — servers answering APIs turn it off.
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            connections.add(self.connection)

        def finish(self) -> None:
            connections.discard(self.connection)
            super().finish()

        def log(self, type: str, message: str, *args: Any) -> None:
            return  # emulators are noisy enough through their request log

        def _reusable(self) -> bool:
            headers = self.headers
            return (
                self.request_version == "HTTP/1.1"
                and self.command != "HEAD"
                and headers.get("Connection", "").lower() != "close"
                and not headers.get("Expect")
                and not headers.get("Transfer-Encoding")
            )

        def run_wsgi(self) -> None:
            if not self._reusable():
                super().run_wsgi()
                return
            environ = self.make_environ()
            length = int(self.headers.get("Content-Length") or 0)
            body = LimitedStream(cast(Any, self.rfile), length)
            environ["wsgi.input"] = body
            try:
                self._answer(environ)
                body.exhaust()  # what the application left unread
            except (ConnectionError, TimeoutError):
                self.close_connection = True  # the client went, or a fault dropped it
            except Exception:
                self.close_connection = True
                raise

        def _answer(self, environ: dict[str, Any]) -> None:
            head: list[Any] = []
            sent: list[bool] = []
            chunked: list[bool] = []

            def send_head() -> None:
                status, headers = head
                code, _, reason = status.partition(" ")
                self.send_response(int(code), reason)
                names = set()
                for name, value in headers:
                    self.send_header(name, value)
                    names.add(name.lower())
                if "content-length" not in names and int(code) not in (204, 304):
                    chunked.append(True)
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                sent.append(True)

            def write(data: bytes) -> None:
                if not sent:
                    send_head()
                for start in range(0, len(data), _PIECE):
                    piece = data[start : start + _PIECE]
                    if chunked:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    else:
                        self.wfile.write(piece)

            def start_response(
                status: str, headers: list[tuple[str, str]], exc_info: Any = None
            ) -> Callable[[bytes], None]:
                if exc_info is not None and sent:
                    raise exc_info[1].with_traceback(exc_info[2])
                head[:] = [status, headers]
                return write

            answer = self.server.app(environ, start_response)
            try:
                for data in answer:
                    write(data)
                if not sent:
                    send_head()
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            finally:
                if hasattr(answer, "close"):
                    answer.close()

    return KeepAliveHandler
