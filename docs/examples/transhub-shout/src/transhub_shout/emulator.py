"""An emulator of the Shout service, for tests and ``transhub --sandbox``.

It behaves as the service's documentation says — same URL, same key header, same
limit, same error answers — and "translates" by shouting: ``hello`` into French is
``[FR] HELLO!``.  Every request lands in a :class:`~transhub.emulation.RequestLog`;
a :class:`~transhub.emulation.FaultInjector` in front can break any of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from transhub.emulation import FaultInjector, Faults, LoggedRequest, RequestLog
from transhub.sandbox import SandboxOptions
from werkzeug.wrappers import Request, Response

from transhub_shout.sandbox import TEST_KEY

#: The service's own limit, as documented (the provider declares the same).
MAX_CHARS = 500
LANGUAGES = frozenset({"EN", "FR", "DE", "ES"})


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json", headers=headers)


class ShoutService:
    """The emulated service (a WSGI application)."""

    def __init__(self, keys: frozenset[str] = frozenset({TEST_KEY})) -> None:
        self.keys = keys
        self.log = RequestLog()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response = self.handle(Request(environ))
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        self.log.append(
            LoggedRequest(
                action=request.path,
                method=request.method,
                path=request.path,
                fields={k: str(v) for k, v in body.items()},
            )
        )
        if request.path != "/v1/translate" or request.method != "POST":
            return _json({"error": "no such call"}, 404)
        if request.headers.get("Authorization", "").removeprefix("Key ") not in self.keys:
            return _json({"error": "unknown key"}, 401)
        text, to, source = body.get("text", ""), body.get("to"), body.get("from")
        if len(text) > MAX_CHARS:
            return _json({"error": f"text longer than {MAX_CHARS} characters"}, 413)
        if to not in LANGUAGES or source not in (None, *LANGUAGES):
            return _json({"error": f"unsupported language pair {source} -> {to}"}, 400)
        return _json({"translation": f"[{to}] {text.upper()}!", "detected": source or "EN"})


def too_many_requests(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """Shout's own "slow down" answer (what ``Fault.THROTTLE`` sends)."""
    return _json({"error": "slow down"}, 429, {"Retry-After": "1"})(environ, start_response)


def create_app(options: SandboxOptions | None = None) -> FaultInjector:
    """The emulator behind fault injection; ``app.log`` is the request log."""
    service = ShoutService()
    app = FaultInjector(
        service,
        Faults(),
        action_of=lambda environ: str(environ.get("PATH_INFO", "")),
        throttle=too_many_requests,
    )
    app.log = service.log  # type: ignore[attr-defined]
    return app
