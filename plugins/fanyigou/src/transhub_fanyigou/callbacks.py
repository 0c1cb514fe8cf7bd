"""Receiving the service's callbacks: a small WSGI application and the store it writes.

Fanyigou POSTs JSON to a callback URL (set in its console) when a translation or a
conversion ends, signed like every request.  :class:`CallbackReceiver` verifies the
token with the private key, refuses forged, unsigned and replayed callbacks with 403
(and logs them), limits the body size, answers the plain string ``success`` and
records the task's new state in a :class:`CallbackStore`.  The document capabilities
read that store first, so a waiting ``doc translate`` or ``jobs resume`` learns that a
task ended without asking the service.

Standard library only: the receiver runs without the ``sandbox`` extra.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from transhub.capabilities.base import TaskStatus
from transhub.errors import TranshubError
from transhub.files import atomic_write_bytes

from transhub_fanyigou import answers, signing

log = logging.getLogger("transhub.fanyigou.callbacks")

#: The largest callback accepted: the documented fields take a few hundred bytes.
MAX_BODY = 64 * 1024
SUCCESS = b"success"

StartResponse = Callable[..., Any]


class CallbackStore:
    """Task states received by callbacks, one JSON file per task, in one folder.

    Names are built only from checked task ids, and every path is checked to stay
    inside the folder.  The tokens of accepted callbacks are remembered (in the same
    folder, across restarts) so that a replayed callback is refused.
    """

    TOKENS = "accepted-tokens.txt"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._tokens: set[str] | None = None

    @classmethod
    def default(cls) -> CallbackStore:
        """The store under transhub's data folder (``TRANSHUB_HOME`` aware)."""
        from transhub import paths

        return cls(paths.data_dir() / "fanyigou" / "callbacks")

    def _path(self, task_id: str) -> Path:
        name = f"{answers.checked_task_id(task_id)}.json"
        # A name without separators stays in the folder: checked lexically, because
        # this runs for every status request of a batch (resolving both paths was a
        # tenth of a poll's CPU, issue 17).
        if "/" in name or "\\" in name or name.startswith("."):  # pragma: no cover
            raise ValueError(f"{task_id!r} would leave the callback folder")
        return self.folder / name

    def _known_tokens(self) -> set[str]:
        if self._tokens is None:
            try:
                lines = (self.folder / self.TOKENS).read_text("ascii").split()
            except (FileNotFoundError, UnicodeDecodeError):
                lines = []
            self._tokens = set(lines)
        return self._tokens

    def accept(self, token: str, task_id: str, fields: Mapping[str, Any]) -> bool:
        """Record a verified callback; ``False`` (and nothing written) when its token
        was accepted before — a replay.  A final state is never replaced by a
        non-final one (callbacks may arrive out of order)."""
        token = token.upper()
        path = self._path(task_id)
        with self._lock:
            tokens = self._known_tokens()
            if token in tokens:
                return False
            self.folder.mkdir(parents=True, exist_ok=True)
            previous = self._read(path)
            incoming = self._status(fields)
            keep_previous = (
                previous is not None
                and previous.state.is_final
                and (incoming is None or not incoming.state.is_final)
            )
            if not keep_previous:
                record = {"received": time.time(), "fields": dict(fields)}
                data = json.dumps(record, ensure_ascii=False, default=str).encode("utf-8")
                atomic_write_bytes(path, data, overwrite=True)
            with (self.folder / self.TOKENS).open("a", encoding="ascii") as handle:
                handle.write(token + "\n")
            tokens.add(token)
            return True

    def status(self, task_id: str) -> TaskStatus | None:
        """The last recorded state of a task, if a callback reported one."""
        try:
            path = self._path(task_id)
        except TranshubError:
            return None
        return self._read(path)

    def final_status(self, task_id: str) -> TaskStatus | None:
        """The recorded state of a task when it is final (else ``None``: ask the service)."""
        status = self.status(task_id)
        return status if status is not None and status.state.is_final else None

    def _read(self, path: Path) -> TaskStatus | None:
        try:
            record = json.loads(path.read_text("utf-8"))
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            return None
        fields = record.get("fields") if isinstance(record, dict) else None
        return self._status(fields) if isinstance(fields, dict) else None

    @staticmethod
    def _status(fields: Mapping[str, Any]) -> TaskStatus | None:
        try:
            progress = answers.read_progress(fields, call="callback")
            return answers.task_status(progress, call="callback", counted_is_queued=False)
        except TranshubError:
            return None


class CallbackReceiver:
    """The WSGI application that receives Fanyigou's callbacks (see the module docstring)."""

    def __init__(
        self,
        private_key: SecretStr | str,
        store: CallbackStore,
        *,
        max_body: int = MAX_BODY,
        on_accept: Callable[[str, Mapping[str, Any]], None] | None = None,
    ) -> None:
        self._key = private_key if isinstance(private_key, SecretStr) else SecretStr(private_key)
        self.store = store
        self.max_body = max_body
        self.on_accept = on_accept

    def __repr__(self) -> str:
        return f"CallbackReceiver(store={self.store.folder!s})"

    def __call__(  # noqa: PLR0911 - one early answer per way a callback can be refused
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        peer = environ.get("REMOTE_ADDR", "?")
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(
                start_response, "405 Method Not Allowed", b"POST only", [("Allow", "POST")]
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return _answer(start_response, "411 Length Required", b"Content-Length required")
        if length < 0 or length > self.max_body:
            log.warning(
                "callback from %s refused: body of %d bytes over %d", peer, length, self.max_body
            )
            return _answer(start_response, "413 Payload Too Large", b"body too large")
        body = environ["wsgi.input"].read(length)
        fields = _fields(body, environ.get("CONTENT_TYPE", ""))
        if fields is None:
            log.warning("callback from %s refused: not a JSON object", peer)
            return _answer(start_response, "400 Bad Request", b"a JSON object is expected")
        tid = fields.get("tid")
        if not signing.verify(fields, self._key.get_secret_value()):
            reason = "unsigned" if not fields.get(signing.TOKEN) else "forged (wrong token)"
            log.warning("callback from %s refused: %s, tid %.40r", peer, reason, tid)
            return _answer(start_response, "403 Forbidden", b"invalid token")
        try:
            task_id = answers.task_id(fields, call="callback")
        except TranshubError:
            log.warning("callback from %s refused: no usable task id", peer)
            return _answer(start_response, "400 Bad Request", b"no usable tid")
        if not self.store.accept(str(fields[signing.TOKEN]), task_id, fields):
            log.warning(
                "callback from %s refused: replay of an accepted callback, tid %s", peer, task_id
            )
            return _answer(start_response, "403 Forbidden", b"replayed callback")
        log.info("callback: task %s is now status %s", task_id, fields.get("status"))
        if self.on_accept is not None:
            self.on_accept(task_id, fields)
        return _answer(start_response, "200 OK", SUCCESS)


def _fields(body: bytes, content_type: str) -> dict[str, Any] | None:
    """The callback's fields: JSON as documented, or a form as a lenient fallback."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "application/x-www-form-urlencoded" in content_type.lower():
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _answer(
    start_response: StartResponse,
    status: str,
    body: bytes,
    headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *(headers or []),
        ],
    )
    return [body]


def serve(
    receiver: CallbackReceiver,
    host: str,
    port: int,
    *,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``receiver`` until interrupted (standard library server, one request at
    a time: callbacks are small and rare).  ``ready(url)`` is called once listening."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Handler(WSGIRequestHandler):
        """Access lines go to the logger, not stderr."""

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

    with make_server(host, port, receiver, handler_class=Handler) as server:
        if ready is not None:
            ready(f"http://{host}:{server.server_port}/")
        server.serve_forever()
