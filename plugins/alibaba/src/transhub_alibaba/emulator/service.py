"""The emulated service: authentication, the two actions, task progress and expiry,
and the result files (see the package docstring)."""

from __future__ import annotations

import calendar
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from transhub.emulation import LoggedRequest, RequestLog
from transhub.errors import TranshubError
from werkzeug.wrappers import Request, Response

# Signatures are verified with the plugin's signing module: it is checked against the
# vendor's test vector, and the vendor's own SDK is tested against this emulator.
from transhub_alibaba import signing
from transhub_alibaba.emulator import facts
from transhub_alibaba.emulator.facts import API_VERSION, POLL, SUBMIT
from transhub_alibaba.emulator.wire import (
    DOWNLOAD,
    MAX_BODY,
    buffer_body,
    json_response,
    parameters,
    render_png,
)
from transhub_alibaba.sandbox import TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET

FAIL_MARKER = "emulator-fail"
#: Parameters a V2 request signs with, kept out of the request log.
_PRIVATE_PARAMS = signing.V2_SIGNATURE_PARAMS | {"SecurityToken"}
_RESULT_KINDS = {"final.png", "inpainting.png", "template.json"}
#: An RFC 3986 URI as the service decodes it: only the URI characters, and every
#: ``%`` the start of an escape.  A raw URL (Chinese, spaces, a lone ``%``) is 103.
_URI = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")


@dataclass
class EmulatorOptions:
    """How the emulator behaves.  ``clock`` drives task progress and expiry (tests
    pass a manual clock); signature dates are always checked against real time."""

    task_seconds: float = 2.0
    result_ttl: float = facts.RESULT_TTL
    dedupe_seconds: float = facts.DEDUPE_SECONDS
    #: Base URL of result links; empty: the URL the request came in on.
    base_url: str = ""
    credentials: Mapping[str, str] = field(
        default_factory=lambda: {TEST_ACCESS_KEY_ID: TEST_ACCESS_KEY_SECRET}
    )
    failing_urls: frozenset[str] = frozenset()
    failure_code: int = 107
    failure_message: str = "An error occurred while translating."
    template_inline: bool = True
    max_urls: int = facts.MAX_URLS
    #: Seconds of delay sent with a throttling answer, as the gateway does: in
    #: ``x-acs-retry-after``, in milliseconds (``None``: no header).
    throttle_retry_after: float | None = 1.0
    max_clock_skew: float = 900.0
    clock: Callable[[], float] = time.time


@dataclass
class _Task:
    task_id: str
    owner: str
    urls: list[str]
    source: str
    target: str
    field: str
    editor: bool
    created_at: float
    failing: frozenset[int]


class _Refusal(Exception):
    """An answer other than success, raised from deep inside request handling."""

    def __init__(self, status: int, code: str | int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _business(code: int, detail: str | None = None) -> _Refusal:
    """A business error: HTTP 200 with the numeric code in the body (the reference's
    "HttpCode" column names the body's Code; the success answer carries Code 200 the
    same way), and the reference's message unless a more precise one is given."""
    return _Refusal(200, code, detail or facts.BUSINESS_ERRORS[code][1])


class AlibabaEmulator:
    """The emulated service (a WSGI application).  Thread-safe."""

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self.options = options or EmulatorOptions()
        self.log = RequestLog()
        self.tasks: dict[str, _Task] = {}
        self._custom: dict[tuple[str, str], tuple[str, float]] = {}
        self._nonces: dict[str, float] = {}
        self._failing: set[str] = set(self.options.failing_urls)
        self._files: dict[tuple[str, int, str], bytes] = {}
        self._lock = threading.Lock()

    # --- test helpers -------------------------------------------------------------

    def fail_url(self, url: str) -> None:
        """Make tasks submitted from now on fail for ``url``."""
        with self._lock:
            self._failing.add(url)

    def task_count(self) -> int:
        """How many distinct tasks were created (a deduped submit creates none)."""
        with self._lock:
            return len(self.tasks)

    def status_of(self, task_id: str) -> str:
        """The status a poll would answer now."""
        with self._lock:
            task = self.tasks.get(task_id)
        return self._status(task) if task else "invalid"

    def result_bytes(self, task_id: str, index: int, kind: str = "final.png") -> bytes:
        """The bytes served for one result file (for SHA-256 comparisons)."""
        with self._lock:
            task = self.tasks[task_id]
        return self._file(task, index, kind)

    # --- WSGI ---------------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        body = buffer_body(environ)
        request = Request(environ)
        if request.method == "GET" and request.path.startswith("/results/"):
            response = self._serve_file(request)
        else:
            response = self._api(request, body)
        return response(environ, start_response)

    def _api(self, request: Request, body: bytes) -> Response:
        params = parameters(request, body)
        action = request.headers.get("x-acs-action") or params.get("Action") or "unknown"
        request_id = str(uuid.uuid4()).upper()
        status = 200
        try:
            if request.path != "/" or request.method not in ("GET", "POST"):
                raise _Refusal(404, "InvalidAction.NotFound", "Specified api is not found.")
            if len(body) > MAX_BODY:
                raise _Refusal(413, "InvalidParameter", "The request body is too large.")
            owner, action = self._authenticate(request, body, params)
            if action == SUBMIT:
                data: dict[str, Any] = self._submit(owner, params)
            elif action == POLL:
                data = self._poll(owner, params, request)
            else:
                raise _Refusal(
                    404, "InvalidAction.NotFound", f"Specified api is not found: {action[:60]}"
                )
            payload: dict[str, Any] = {
                "RequestId": request_id,
                "Code": 200,
                "Message": "OK",
                "Data": data,
            }
        except _Refusal as refusal:
            status = refusal.status
            payload = {"RequestId": request_id, "Code": refusal.code, "Message": refusal.message}
            if isinstance(refusal.code, str):
                payload.update(HostId=request.host, Recommend="https://api.aliyun.com/troubleshoot")
        self.log.append(
            LoggedRequest(
                action=action,
                method=request.method,
                path=request.path,
                fields={k: v for k, v in params.items() if k not in _PRIVATE_PARAMS},
                status=status,
            )
        )
        return json_response(status, payload)

    # --- authentication -------------------------------------------------------------

    def _authenticate(
        self, request: Request, body: bytes, params: Mapping[str, str]
    ) -> tuple[str, str]:
        """The caller's AccessKey ID and the action, or a refusal."""
        authorization = request.headers.get("Authorization")
        if authorization:
            return self._authenticate_v3(request, body, authorization)
        if "Signature" in params:
            return self._authenticate_v2(request, params)
        raise _Refusal(400, "IncompleteSignature", "The request is not signed.")

    def _secret(self, key_id: str) -> str:
        secret = self.options.credentials.get(key_id)
        if secret is None:
            raise _Refusal(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        return secret

    def _authenticate_v3(
        self, request: Request, body: bytes, authorization: str
    ) -> tuple[str, str]:
        try:
            parsed = signing.parse_authorization_v3(authorization)
        except TranshubError as exc:
            raise _Refusal(400, "IncompleteSignature", exc.message) from None
        secret = self._secret(parsed.access_key_id)
        present = {name.lower() for name in request.headers.keys()}  # noqa: SIM118 - werkzeug Headers
        unsigned = {n for n in present if n.startswith("x-acs-")} - set(parsed.signed_headers)
        if unsigned or "host" not in parsed.signed_headers:
            raise _Refusal(
                400,
                "IncompleteSignature",
                "Every x-acs-* header and host must be signed.",
            )
        if request.headers.get("x-acs-content-sha256", "") != signing.sha256_hex(body):
            raise _Refusal(
                400, "SignatureDoesNotMatch", "x-acs-content-sha256 does not match the body."
            )
        signed = {name: request.headers.get(name, "") for name in parsed.signed_headers}
        try:
            valid = signing.verify_v3(
                secret=secret,
                method=request.method,
                path=request.path,
                query=request.query_string.decode("latin-1"),
                headers=signed,
                body=body,
                signature=parsed.signature,
            )
        except TranshubError:
            valid = False
        if not valid:
            raise _Refusal(
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation.",
            )
        self._check_freshness(
            request.headers.get("x-acs-date", ""), request.headers.get("x-acs-signature-nonce", "")
        )
        version = request.headers.get("x-acs-version", "")
        if version != API_VERSION:
            raise _Refusal(400, "InvalidVersion", f"Specified version is not valid: {version[:40]}")
        return parsed.access_key_id, request.headers.get("x-acs-action", "")

    def _authenticate_v2(self, request: Request, params: Mapping[str, str]) -> tuple[str, str]:
        secret = self._secret(params.get("AccessKeyId", ""))
        if params.get("SignatureMethod") != "HMAC-SHA1" or params.get("SignatureVersion") != "1.0":
            raise _Refusal(
                400, "IncompleteSignature", "SignatureMethod must be HMAC-SHA1, version 1.0."
            )
        try:
            valid = signing.verify_v2(secret, request.method, params)
        except TranshubError:
            valid = False
        if not valid:
            raise _Refusal(
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation.",
            )
        self._check_freshness(params.get("Timestamp", ""), params.get("SignatureNonce", ""))
        if params.get("Version") != API_VERSION:
            raise _Refusal(400, "InvalidVersion", "Specified version is not valid.")
        return params["AccessKeyId"], params.get("Action", "")

    def _check_freshness(self, date: str, nonce: str) -> None:
        try:
            moment = calendar.timegm(time.strptime(date, "%Y-%m-%dT%H:%M:%SZ"))
        except ValueError:
            raise _Refusal(
                400, "InvalidTimeStamp.Format", "Specified time stamp is not valid."
            ) from None
        now = time.time()
        if abs(now - moment) > self.options.max_clock_skew:
            raise _Refusal(
                400, "InvalidTimeStamp.Expired", "Specified time stamp or date is expired."
            )
        if not nonce:
            raise _Refusal(400, "MissingSignatureNonce", "SignatureNonce is mandatory.")
        with self._lock:
            horizon = now - 2 * self.options.max_clock_skew
            for old in [n for n, t in self._nonces.items() if t < horizon]:
                del self._nonces[old]
            if nonce in self._nonces:
                raise _Refusal(
                    400, "SignatureNonceUsed", "Specified signature nonce was used already."
                )
            self._nonces[nonce] = now

    # --- actions ------------------------------------------------------------------

    def _submit(self, owner: str, params: Mapping[str, str]) -> dict[str, Any]:
        raw_urls = params.get("ImageUrls", "")
        source = params.get("SourceLanguage", "")
        target = params.get("TargetLanguage", "")
        if not raw_urls.strip() or not source or not target:
            raise _business(104)
        listed = [url.strip() for url in raw_urls.split(",") if url.strip()]
        if len(listed) > self.options.max_urls:
            raise _business(
                104,
                f"ImageUrls holds {len(listed)} URLs; at most {self.options.max_urls} are allowed.",
            )
        urls = list(dict.fromkeys(listed))  # a URL repeated in one request is processed once
        for url in urls:
            parts = urlsplit(url)
            if (
                parts.scheme.lower() not in ("http", "https")
                or not parts.netloc
                or not _URI.fullmatch(url)
            ):
                raise _business(103)
        if (source, target) not in facts.PAIRS:
            raise _business(105)
        editor = False
        ext_text = params.get("Ext")
        if ext_text:
            try:
                ext = json.loads(ext_text)
            except ValueError:
                raise _business(104, "Ext is not valid JSON.") from None
            if not isinstance(ext, dict):
                raise _business(104, "Ext must be a JSON object.")
            editor = str(ext.get("needEditorData", "false")).lower() == "true"
        field_name = params.get("Field", "general")
        custom = params.get("CustomTaskId", "")
        now = self.options.clock()
        with self._lock:
            window = now - self.options.dedupe_seconds
            for key in [k for k, (_, t) in self._custom.items() if t < window]:
                del self._custom[key]
            if custom and (owner, custom) in self._custom:
                return {"TaskId": self._custom[(owner, custom)][0]}
            failing = frozenset(
                i for i, url in enumerate(urls) if url in self._failing or FAIL_MARKER in url
            )
            task = _Task(
                task_id=str(uuid.uuid4()).upper(),
                owner=owner,
                urls=urls,
                source=source,
                target=target,
                field=field_name if field_name in facts.FIELDS else "general",
                editor=editor,
                created_at=now,
                failing=failing,
            )
            self.tasks[task.task_id] = task
            if custom:
                self._custom[(owner, custom)] = (task.task_id, now)
        return {"TaskId": task.task_id}

    def _status(self, task: _Task) -> str:
        elapsed = self.options.clock() - task.created_at
        duration = self.options.task_seconds
        if elapsed >= duration + self.options.result_ttl:
            return "invalid"
        if elapsed >= duration:
            return "finished"
        return "created" if elapsed < duration / 3 else "running"

    def _poll(self, owner: str, params: Mapping[str, str], request: Request) -> dict[str, Any]:
        task_id = params.get("TaskId", "")
        if not task_id:
            raise _business(104)
        with self._lock:
            task = self.tasks.get(task_id)
        if task is None or task.owner != owner:
            return {"Status": "invalid", "Result": []}
        status = self._status(task)
        if status != "finished":
            return {"Status": status, "Result": []}
        base = (self.options.base_url or request.host_url).rstrip("/")
        results = []
        for index, url in enumerate(task.urls):
            if index in task.failing:
                results.append(
                    {
                        "SourceImageUrl": url,
                        "Code": self.options.failure_code,
                        "Message": self.options.failure_message,
                        "Success": False,
                    }
                )
                continue
            prefix = f"{base}/results/{task.task_id}/{index}"
            entry: dict[str, Any] = {
                "SourceImageUrl": url,
                "FinalImageUrl": f"{prefix}/final.png",
                "Code": 200,
                "Message": "OK",
                "Success": True,
            }
            if task.editor:
                entry["InPaintingUrl"] = f"{prefix}/inpainting.png"
                entry["TemplateJson"] = (
                    self._file(task, index, "template.json").decode("utf-8")
                    if self.options.template_inline
                    else f"{prefix}/template.json"
                )
            results.append(entry)
        return {"Status": "finished", "Result": results}

    # --- result files ---------------------------------------------------------------

    def _serve_file(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        task = None
        if len(parts) == 4 and parts[3] in _RESULT_KINDS and parts[2].isdigit():
            with self._lock:
                task = self.tasks.get(parts[1])
        index = int(parts[2]) if task is not None else -1
        available = (
            task is not None
            and self._status(task) == "finished"
            and 0 <= index < len(task.urls)
            and index not in task.failing
            and (parts[3] == "final.png" or task.editor)
        )
        self.log.append(
            LoggedRequest(
                action=DOWNLOAD, method="GET", path=request.path, status=200 if available else 404
            )
        )
        if not available or task is None:
            # What OSS answers for an expired or unknown object.
            page = b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code></Error>"
            return Response(page, status=404, content_type="application/xml")
        data = self._file(task, index, parts[3])
        kind = "application/json" if parts[3].endswith(".json") else "image/png"
        return Response(data, status=200, content_type=kind)

    def _file(self, task: _Task, index: int, kind: str) -> bytes:
        key = (task.task_id, index, kind)
        with self._lock:
            cached = self._files.get(key)
        if cached is not None:
            return cached
        url = task.urls[index]
        if kind == "template.json":
            data = json.dumps(
                {
                    "TemplateJson": "transhub emulator editor template",
                    "emulator": True,
                    "note": "emulator output, not a translation",
                    "source": url,
                    "sourceLanguage": task.source,
                    "targetLanguage": task.target,
                },
                sort_keys=True,
            ).encode("utf-8")
        else:
            data = render_png(url, task.source, task.target, kind.removesuffix(".png"))
        with self._lock:
            self._files[key] = data
        return data
