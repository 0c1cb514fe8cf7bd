"""The emulator over HTTP: werkzeug parses each request, the service answers it, the
request log records it, and a :class:`~transhub.emulation.FaultInjector` in front can
break it on purpose."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from transhub.emulation import FaultInjector, Faults, LoggedRequest, RequestLog
from transhub.sandbox import SandboxOptions
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from transhub_fanyigou.emulator import facts
from transhub_fanyigou.emulator.checks import Answer, Upload, answer
from transhub_fanyigou.emulator.model import EmulatorOptions
from transhub_fanyigou.emulator.results import FileAnswer
from transhub_fanyigou.emulator.service import FanyigouService

#: The documented base path; calls are also served at the root.
BASE_PATH = "/TranslateApi/api"
#: Bodies beyond this are refused by the server itself (the service's limit is 50 MB).
MAX_REQUEST = 60 * 1024 * 1024
#: Calls that take a file, and whether GET is allowed (submitForDetectDoc: "get,post").
UPLOADS = frozenset(
    {
        "uploadTranslate",
        "detectDocPage",
        "convert",
        "image/uploadTranslateImage",
        "image/ocrUploadImage",
    }
)
_GET_ALLOWED = frozenset({"submitForDetectDoc"})


def action_of(environ: dict[str, Any]) -> str:
    """The call a request names: the path after the base (``image/downloadImage``…)."""
    path = str(environ.get("PATH_INFO", ""))
    if path.startswith(BASE_PATH):
        path = path[len(BASE_PATH) :]
    return path.strip("/")


def _json_response(body: Answer) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=200,
        content_type="application/json;charset=UTF-8",
    )


def throttled(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The service's own "too many requests" answer: 108, over HTTP 200."""
    return _json_response(answer(facts.RATE_LIMITED))(environ, start_response)


class FanyigouApp:
    """The WSGI application of the emulated service (without faults)."""

    def __init__(self, service: FanyigouService, log: RequestLog) -> None:
        self.service = service
        self.log = log
        self._routes: dict[str, Callable[[dict[str, str], Upload | None], Answer | FileAnswer]] = {
            "uploadTranslate": service.upload_translate,
            "detectDocPage": service.detect_doc_page,
            "submitForDetectDoc": lambda p, _u: service.submit_for_detect_doc(p),
            "queryTransProgress": lambda p, _u: service.query_progress(p),
            "downloadFile": lambda p, _u: service.download(p),
            "convert": service.convert,
            "getAccount": lambda p, _u: service.get_account(p),
            "trans": lambda p, _u: service.trans(p),
            "image/uploadTranslateImage": service.upload_translate_image,
            "image/queryImageTransProgress": lambda p, _u: service.query_progress(p, image=True),
            "image/downloadImage": lambda p, _u: service.download(p, image=True),
            "image/ocrUploadImage": service.ocr,
            "dict/search": lambda p, _u: service.dict_search(p),
        }

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_REQUEST
        action = action_of(environ)
        route = self._routes.get(action)
        if route is None:
            return Response("no such call", status=404)(environ, start_response)
        if request.method != "POST" and not (request.method == "GET" and action in _GET_ALLOWED):
            return Response("POST only", status=405)(environ, start_response)
        try:
            params = {**request.args.to_dict(), **request.form.to_dict()}
            upload = self._upload(request)
        except RequestEntityTooLarge:
            return Response("request too large", status=413)(environ, start_response)
        result = self.service.authenticate(params) or route(params, upload)
        code = result.get("code") if isinstance(result, dict) else facts.OK
        self.log.append(
            LoggedRequest(
                action=action,
                method=request.method,
                path=request.path,
                fields={k: v for k, v in params.items() if k != "token"},
                file_sha256=upload.sha256 if upload else None,
                file_size=upload.size if upload else None,
                # Every answer is HTTP 200: the service's own code says more.
                status=int(code) if isinstance(code, int) else None,
            )
        )
        if isinstance(result, FileAnswer):
            response = Response(
                result.pieces(), status=200, content_type="application/octet-stream;charset=UTF-8"
            )
            response.content_length = result.size
            response.headers["Content-Disposition"] = (
                f"attachment; filename*=UTF-8''{_quote(result.filename)}"
            )
            for name, value in result.headers.items():
                response.headers[name] = value
            return response(environ, start_response)
        return _json_response(result)(environ, start_response)

    def _upload(self, request: Request) -> Upload | None:
        """The uploaded file, whatever its field is called (the vendor's SDK names the
        field after the file)."""
        for storage in request.files.values():
            filename = storage.filename or ""
            return self.service.store(storage.stream, filename)
        return None


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


class FanyigouEmulator(FaultInjector):
    """The emulator as served: the app behind fault injection, with the request log
    (``log``), the faults (``faults``) and the service (``service``) at hand."""

    def __init__(
        self, options: EmulatorOptions | None = None, faults: Faults | None = None
    ) -> None:
        self.service = FanyigouService(options)
        self.log = RequestLog()
        super().__init__(
            FanyigouApp(self.service, self.log),
            faults or Faults(),
            action_of=action_of,
            throttle=throttled,
        )

    def close(self) -> None:
        """Release the service's stored files and timers."""
        self.service.close()


def create_app(options: SandboxOptions | EmulatorOptions | None = None) -> FanyigouEmulator:
    """The emulator with the sandbox's test credentials.  ``SandboxOptions`` (from the
    core's sandbox) set the task duration and how long results are kept."""
    if isinstance(options, SandboxOptions):
        options = EmulatorOptions(task_seconds=options.task_seconds, result_ttl=options.result_ttl)
    return FanyigouEmulator(options)
