"""The echo service: a small WSGI application with a request log and faults.

Documents finish on their second status request (no clocks involved), so tests are
deterministic.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from typing import Any

from transhub.emulation import FaultInjector, Faults, LoggedRequest, RequestLog
from transhub.sandbox import SandboxOptions
from werkzeug.wrappers import Request, Response

TOKENS = {"sandbox-token", "test-token"}


class EchoService:
    """The application's state."""

    def __init__(self, polls_until_done: int = 2) -> None:
        #: Status requests a document answers "running" to before "done" (tests change it).
        self.log = RequestLog()
        self.polls_until_done = polls_until_done
        self.documents: dict[str, dict[str, Any]] = {}
        self.images: dict[str, dict[str, Any]] = {}
        self.balance = 100.0
        self.glossaries: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def _json(self, data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, mimetype="application/json")

    def handle(self, request: Request) -> Response:
        upload = request.files.get("file")
        body = upload.read() if upload else None
        self.log.append(
            LoggedRequest(
                action=request.path,
                method=request.method,
                path=request.path,
                fields=dict(request.form.items()),
                file_sha256=hashlib.sha256(body).hexdigest() if body is not None else None,
                file_size=len(body) if body is not None else None,
            )
        )
        public = request.path.startswith("/v1/results/")  # result URLs are capability URLs
        if (
            not public
            and request.headers.get("Authorization", "").removeprefix("Bearer ") not in TOKENS
        ):
            return self._json({"error": "bad token"}, 401)
        parts = request.path.strip("/").split("/")[1:]
        with self._lock:
            return self.route(request, parts, body)

    def route(self, request: Request, parts: list[str], body: bytes | None) -> Response:
        if parts == ["documents"] and body is not None:
            task = f"d{next(self._ids)}"
            self.documents[task] = {
                "body": body,
                "target": request.form.get("target", ""),
                "polls": 0,
            }
            return self._json({"id": task})
        if parts == ["pages"] and body is not None:
            return self._json({"id": f"p{next(self._ids)}", "pages": body.count(b"\n") + 1})
        if len(parts) >= 2 and parts[0] == "documents":
            doc = self.documents.get(parts[1])
            if doc is None:
                return self._json({"error": f"no task {parts[1]}"}, 404)
            if len(parts) == 2:
                doc["polls"] += 1
                done = doc["polls"] >= self.polls_until_done
                return self._json(
                    {
                        "state": "done" if done else "running",
                        "percent": 100.0 if done else 50.0,
                        "pages": 1,
                    }
                )
            prefix = f"[{doc['target']}] ".encode()
            result = b"".join(prefix + line for line in doc["body"].splitlines(keepends=True))
            return Response(
                result, mimetype="application/octet-stream", headers={"X-Detected-Language": "en"}
            )
        if parts == ["images"]:
            data = json.loads(request.get_data())
            task = f"i{next(self._ids)}"
            self.images[task] = {"urls": data["urls"], "target": data["target"]}
            return self._json({"id": task})
        if len(parts) == 2 and parts[0] == "images":
            task = self.images[parts[1]]
            task["polls"] = task.get("polls", 0) + 1
            if task["polls"] < self.polls_until_done - 1:  # images finish a poll sooner
                return self._json({"state": "running", "items": []})
            items = [
                {
                    "ok": "fail" not in url,
                    "code": 200 if "fail" not in url else 422,
                    "message": "ok" if "fail" not in url else "cannot read image",
                    "result": f"{request.host_url}v1/results/{parts[1]}/{n}.png",
                }
                for n, url in enumerate(task["urls"])
            ]
            return self._json({"state": "done", "items": items})
        if len(parts) == 3 and parts[0] == "results":
            return Response(f"emulated image {parts[1]}/{parts[2]}".encode(), mimetype="image/png")
        if parts == ["text"]:
            data = json.loads(request.get_data())
            return self._json({"text": f"[{data['target']}] {data['text']}"})
        if parts and parts[0] == "glossaries":
            return self.glossary(request, parts[1:])
        if parts == ["ocr"]:
            return self._json(
                {
                    "lines": [
                        {"text": "hello", "box": {"left": 1, "top": 2, "width": 3, "height": 4}}
                    ]
                }
            )
        if len(parts) == 2 and parts[0] == "dict":
            if parts[1] != "hello":
                return self._json({"error": f"no entry for {parts[1]!r}"}, 404)
            return self._json(
                {
                    "word": "hello",
                    "phonetic": {"uk": "həˈləʊ", "us": "həˈloʊ"},
                    "meanings": [{"pos": "int.", "defs": ["你好"]}],
                }
            )
        if len(parts) == 2 and parts[0] == "account":
            return self._json(
                {
                    "balance": self.balance,
                    "unit": "pages" if parts[1] == "document" else "characters",
                }
            )
        return self._json({"error": "no such call"}, 404)

    def glossary(self, request: Request, rest: list[str]) -> Response:
        """Glossaries: create (POST, JSON with name/source/target/terms), list, get,
        entries, delete."""
        if not rest:
            if request.method == "POST":
                data = json.loads(request.get_data())
                glossary_id = f"g{next(self._ids)}"
                self.glossaries[glossary_id] = {"glossary_id": glossary_id, **data}
                return self._json(self._glossary_info(glossary_id), 201)
            return self._json([self._glossary_info(g) for g in self.glossaries])
        if rest[0] not in self.glossaries:
            return self._json({"error": f"no glossary {rest[0]}"}, 404)
        if rest[1:] == ["entries"]:
            return self._json(self.glossaries[rest[0]]["terms"])
        if request.method == "DELETE":
            del self.glossaries[rest[0]]
            return self._json({})
        return self._json(self._glossary_info(rest[0]))

    def _glossary_info(self, glossary_id: str) -> dict[str, Any]:
        data = self.glossaries[glossary_id]
        info = {k: v for k, v in data.items() if k != "terms"}
        return {**info, "entries": len(data["terms"])}


def create_app(
    options: SandboxOptions | None = None, faults: Faults | None = None
) -> FaultInjector:
    """The echo service wrapped in fault injection (``app.app`` is the service)."""
    service = EchoService()
    injector = FaultInjector(
        service,
        faults or Faults(),
        action_of=lambda environ: environ.get("PATH_INFO", ""),
        throttle=Response(
            json.dumps({"error": "slow down"}),
            status=429,
            mimetype="application/json",
            headers={"Retry-After": "0"},
        ),
    )
    injector.log = service.log  # type: ignore[attr-defined]
    return injector
