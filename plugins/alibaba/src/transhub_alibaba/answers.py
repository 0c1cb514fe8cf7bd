"""Parsers of the service's JSON answers: pure functions from decoded JSON to typed
results, or a typed :class:`~transhub.errors.TranshubError`.

They accept any decoded JSON at all (an HTML page decoded by accident, a proxy's
error object, a number) and never raise anything but a transhub error: the fuzz
tests hold them to that.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from transhub.errors import ResponseFormatError

from transhub_alibaba import codes

PROVIDER = codes.PROVIDER

#: The states ``GetTranslateImageBatchResult`` reports.
STATUSES = frozenset({"created", "running", "finished", "invalid"})


@dataclass(frozen=True)
class ImageResult:
    """One image's entry in a finished task (``Data.Result[i]``)."""

    source_url: str
    success: bool
    code: str | None = None
    message: str = ""
    final_url: str | None = None
    inpainting_url: str | None = None
    #: The editor template: inline JSON text, or a URL to it (the reference shows inline).
    template: str | None = None


@dataclass(frozen=True)
class BatchResult:
    """A task's status, with one :class:`ImageResult` per image once ``finished``."""

    status: str
    results: tuple[ImageResult, ...] = ()
    request_id: str | None = None


def _malformed(action: str, what: str, status: int | None = None) -> ResponseFormatError:
    return ResponseFormatError(
        f"{PROVIDER}: {action} answered JSON without {what}",
        provider=PROVIDER,
        code=status,
    )


def _text(value: Any) -> str | None:
    """A JSON scalar as text (numbers too); ``None`` for absent, empty or nested values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        text = str(value)
        return text if text else None
    return None


def _is_ok_code(value: Any) -> bool:
    return _text(value) == "200"


def check_answer(
    status: int,
    payload: Any,
    *,
    action: str,
    repeatable: bool = True,
    retry_after: float | None = None,
    where: Callable[[str], str] | None = None,
) -> Mapping[str, Any]:
    """The answer as a mapping when it reports success; else raise the typed error.

    Success is an HTTP status below 400 and a ``Code`` of 200 (or no ``Code`` at
    all).  Anything else is an error built by :func:`codes.error_for`.
    """
    if not isinstance(payload, Mapping):
        raise ResponseFormatError(
            f"{PROVIDER}: {action} answered {type(payload).__name__} JSON "
            f"(HTTP {status}), not an object",
            provider=PROVIDER,
            code=status,
        )
    code = payload.get("Code", payload.get("code"))
    if status < 400 and (code is None or _is_ok_code(code)):
        return payload
    extra: dict[str, Any] = {"where": where} if where is not None else {}
    raise codes.error_for(
        code if isinstance(code, (str, int)) and not isinstance(code, bool) else None,
        _text(payload.get("Message")),
        http_status=status,
        request_id=_text(payload.get("RequestId")),
        retry_after=retry_after,
        action=action,
        repeatable=repeatable,
        **extra,
    )


def parse_submit(payload: Mapping[str, Any], *, action: str = "TranslateImageBatch") -> str:
    """The ``Data.TaskId`` of a successful submit answer."""
    data = payload.get("Data")
    task_id = _text(data.get("TaskId")) if isinstance(data, Mapping) else None
    if task_id is None:
        raise _malformed(action, "Data.TaskId")
    return task_id


def _success(entry: Mapping[str, Any], code: str | None) -> bool:
    value = entry.get("Success")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    # No usable flag: an image succeeded when its code says so.
    return code == "200"


def _template(value: Any) -> str | None:
    if isinstance(value, (Mapping, list)):
        # Already decoded by the service: keep it as JSON text all the same.
        return json.dumps(value, ensure_ascii=False)
    return _text(value)


def parse_image(entry: Any, *, action: str = "GetTranslateImageBatchResult") -> ImageResult:
    """One ``Data.Result`` entry."""
    if not isinstance(entry, Mapping):
        raise _malformed(action, "an object per image in Data.Result")
    source = _text(entry.get("SourceImageUrl")) or ""
    code = _text(entry.get("Code"))
    success = _success(entry, code)
    final = _text(entry.get("FinalImageUrl"))
    if success and final is None:
        # A success without its image is not one the user can have.
        return ImageResult(source, False, code, "the service reported success but no FinalImageUrl")
    return ImageResult(
        source_url=source,
        success=success,
        code=code,
        message=_text(entry.get("Message")) or "",
        final_url=final,
        inpainting_url=_text(entry.get("InPaintingUrl")),
        template=_template(entry.get("TemplateJson")),
    )


def parse_result(
    payload: Mapping[str, Any], *, action: str = "GetTranslateImageBatchResult"
) -> BatchResult:
    """The status (and, when ``finished``, the per-image results) of a poll answer."""
    data = payload.get("Data")
    if not isinstance(data, Mapping):
        raise _malformed(action, "Data")
    status = (_text(data.get("Status")) or "").lower()
    if status not in STATUSES:
        raise ResponseFormatError(
            f"{PROVIDER}: {action} answered an unknown task status {status[:40]!r}",
            provider=PROVIDER,
        )
    results: tuple[ImageResult, ...] = ()
    if status == "finished":
        raw = data.get("Result")
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise _malformed(action, "a list in Data.Result")
        results = tuple(parse_image(entry, action=action) for entry in raw)
    return BatchResult(status, results, _text(payload.get("RequestId")))


def parse_any(status: int, payload: Any, action: str) -> str | BatchResult:
    """Check and parse an answer of either action (used by the fuzz tests)."""
    checked = check_answer(status, payload, action=action)
    if action == "TranslateImageBatch":
        return parse_submit(checked)
    return parse_result(checked)
