"""A small provider plugin, "fake", that can break the contract on purpose.

It offers documents and text over a tiny JSON service with an emulator, and honours
every rule — unless ``CONTRACT_FAKE_BREAKS`` (comma-separated) names a breakage:

* ``partial-download``: streams a result straight into its destination, so a cut
  download leaves half a file and a bare ``requests`` exception;
* ``send-first``: asks the service for its languages when transhub loads the plugin,
  before any input is validated;
* ``backwards``: reports a finished task as running again;
* ``raw-errors``: ``raise_for_status()`` instead of transhub's typed errors;
* ``leaky``: keeps its last request, API key included, under ``TRANSHUB_HOME``.

tests/test_contract.py installs it as a real plugin (an entry point on ``sys.path``)
and runs the kit against it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

from pydantic import SecretStr
from transhub.capabilities.base import FileLimits, LanguageSupport, ProviderInfo, TaskState
from transhub.capabilities.base import TaskStatus as Status
from transhub.capabilities.document import (
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
    SavedDocument,
)
from transhub.capabilities.text import TextResult, TextTranslator
from transhub.emulation import FaultInjector, Faults
from transhub.errors import (
    AuthenticationError,
    NotFoundError,
    ProviderError,
    RateLimitError,
    ResultExpiredError,
)
from transhub.hookspecs import hookimpl
from transhub.http import HttpClient, check_endpoint, parse_json
from transhub.sandbox import Sandbox, SandboxOptions
from transhub.settings import ProviderSettings
from werkzeug.wrappers import Request, Response

KEY = "fake-secret-key-0123"
LANGUAGES = {"en": "en", "fr": "fr", "zh": "zh"}


def breaks(name: str) -> bool:
    """Whether this breakage is switched on."""
    return name in os.environ.get("CONTRACT_FAKE_BREAKS", "").split(",")


# -- the emulator ----------------------------------------------------------------------


class FakeService:
    """Documents finish on their second status request; results are 4 KB."""

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.tasks: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            response = self.answer(request)
        return response(environ, start_response)

    def answer(self, request: Request) -> Response:
        if request.headers.get("X-Api-Key") != KEY:
            return _json({"error": "bad key"}, 401)
        parts = request.path.strip("/").split("/")
        if parts == ["v1", "languages"]:
            return _json({"languages": sorted(LANGUAGES)})
        if parts == ["v1", "text"]:
            data = json.loads(request.get_data())
            return _json({"text": f"[{data['target']}] {data['text']}"})
        if parts == ["v1", "documents"]:
            task = f"t{next(self._ids)}"
            body = request.files["file"].read()
            self.tasks[task] = {"body": body, "polls": 0, "finished": None}
            return _json({"id": task})
        task = self.tasks.get(parts[2]) if len(parts) >= 3 else None
        if task is None:
            return _json({"error": "no such task"}, 404)
        if len(parts) == 3:
            task["polls"] += 1
            if task["polls"] < 2:
                return _json({"state": "running"})
            task["finished"] = task["finished"] or time.monotonic()
            return _json({"state": "done"})
        if time.monotonic() - task["finished"] >= self.options.result_ttl:
            return _json({"error": "result expired"}, 410)
        digest = hashlib.sha256(task["body"]).hexdigest().encode()
        return Response(digest * 64, mimetype="application/octet-stream")


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def create_app(options: SandboxOptions) -> FaultInjector:
    """The emulator behind fault injection."""
    throttled = _json({"error": "slow down"}, 429)
    return FaultInjector(
        FakeService(options),
        Faults(),
        action_of=lambda environ: str(environ.get("PATH_INFO", "")),
        throttle=throttled,
    )


# -- the provider ----------------------------------------------------------------------


class FakeSettings(ProviderSettings):
    """``TRANSHUB_FAKE_ENDPOINT`` and the secret ``TRANSHUB_FAKE_API_KEY``."""

    model_config = ProviderSettings.config_for("fake")
    config_table: ClassVar[str | None] = "fake"
    required: ClassVar[tuple[str, ...]] = ("endpoint", "api_key")

    endpoint: str = ""
    api_key: SecretStr = SecretStr("")


class FakeClient:
    """JSON over HTTP with an API key header."""

    def __init__(self, settings: FakeSettings, http: HttpClient) -> None:
        self.base = check_endpoint(settings.endpoint, "TRANSHUB_FAKE_ENDPOINT")
        self.key = settings.api_key
        self.http = http

    def headers(self) -> dict[str, str]:
        if breaks("leaky"):
            home = Path(os.environ["TRANSHUB_HOME"])
            home.mkdir(parents=True, exist_ok=True)
            (home / "fake-last-request.txt").write_text(self.key.get_secret_value())
        return {"X-Api-Key": self.key.get_secret_value()}

    def call(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> Any:
        response = self.http.request(
            method, self.base + path, idempotent=idempotent, headers=self.headers(), **kwargs
        )
        return self.answer(response, path)

    def answer(self, response: Any, path: str) -> Any:
        if breaks("raw-errors"):
            response.raise_for_status()
        data = parse_json(response, "fake", path)
        if response.status_code == 401:
            raise AuthenticationError("fake refused the API key", provider="fake", code=401)
        if response.status_code == 429:
            raise RateLimitError("fake: too many requests", provider="fake", code=429)
        if response.status_code == 410:
            raise ResultExpiredError("fake: the result has expired", provider="fake", code=410)
        if response.status_code == 404:
            raise NotFoundError(f"fake: {data.get('error')}", provider="fake", code=404)
        if response.status_code >= 400:
            raise ProviderError(f"fake: {data}", provider="fake", code=response.status_code)
        return data

    def save(self, path: str, destination: Path) -> Any:
        response = self.http.request(
            "GET", self.base + path, idempotent=True, headers=self.headers(), stream=True
        )
        if response.status_code >= 400:
            self.answer(response, path)
        if breaks("partial-download"):
            destination.parent.mkdir(parents=True, exist_ok=True)
            with destination.open("wb") as handle:
                for chunk in response.iter_content(1024):
                    handle.write(chunk)
            return destination
        return self.http.save(response, destination, overwrite=True).path


FAKE = ProviderInfo(
    name="fake",
    title="Fake (contract kit test)",
    settings=FakeSettings,
    connect=FakeClient,
)


class FakeDocuments(DocumentTranslator[FakeSettings, FakeClient]):
    """Plain-text documents up to 64 KB."""

    provider = FAKE
    languages = LanguageSupport(codes=LANGUAGES)
    limits = FileLimits(extensions=frozenset({"txt"}), max_bytes=64 * 1024)

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.seen_done: set[str] = set()

    def submit(self, request: DocumentRequest) -> str:
        data = self.client.http.upload(
            self.client.base + "/v1/documents",
            fields={"target": request.target},
            file_field="file",
            path=request.path,
            headers=self.client.headers(),
        )
        return str(self.client.answer(data, "/v1/documents")["id"])

    def status(self, task_id: str) -> Status:
        data = self.client.call("GET", f"/v1/documents/{task_id}", idempotent=True)
        state = TaskState(data["state"])
        if breaks("backwards") and task_id in self.seen_done:
            return Status(state=TaskState.RUNNING)
        if state is TaskState.DONE:
            self.seen_done.add(task_id)
        return Status(state=state)

    def download(self, task_id: str, destination: Path, kind: OutputKind) -> SavedDocument:
        path = self.client.save(f"/v1/documents/{task_id}/result", destination)
        data = Path(path).read_bytes()
        return SavedDocument(path=path, size=len(data), sha256=hashlib.sha256(data).hexdigest())


class FakeText(TextTranslator[FakeSettings, FakeClient]):
    """Texts up to 100 characters."""

    provider = FAKE
    languages = LanguageSupport(codes=LANGUAGES)
    max_chars = 100

    def translate(self, text: str, target: str, source: str | None) -> TextResult:
        body = json.dumps({"text": text, "target": target})
        data = self.client.call("POST", "/v1/text", idempotent=True, data=body)
        return TextResult(text=data["text"], source=source, target=target)


# -- the hooks -------------------------------------------------------------------------


@hookimpl
def register_document_translators(register: Any) -> None:
    register(FakeDocuments)


@hookimpl
def register_text_translators(register: Any) -> None:
    endpoint = os.environ.get("TRANSHUB_FAKE_ENDPOINT")
    if breaks("send-first") and endpoint:
        import requests

        requests.get(endpoint + "/v1/languages", headers={"X-Api-Key": KEY}, timeout=5)
    register(FakeText)


@hookimpl
def register_sandboxes(register: Any) -> None:
    register(
        Sandbox(
            provider="fake",
            create_app=create_app,
            environment=lambda url: {"TRANSHUB_FAKE_ENDPOINT": url, "TRANSHUB_FAKE_API_KEY": KEY},
        )
    )
