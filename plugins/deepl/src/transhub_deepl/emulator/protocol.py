"""The emulator's wire protocol: reading parameters as DeepL does (query, form or
JSON), validating languages, formality and glossary entries, and writing answers."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from werkzeug.wrappers import Request, Response

from transhub_deepl.emulator import facts


@dataclass
class Refusal(Exception):
    """An error answer, raised from deep inside request handling."""

    status: int
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)


def entries(raw: str, kind: str) -> dict[str, str]:
    """Glossary entries from TSV or CSV, validated as DeepL validates them."""
    if kind not in ("tsv", "csv"):
        raise Refusal(400, "Value for 'entries_format' not supported.")
    delimiter = "\t" if kind == "tsv" else ","
    entries: dict[str, str] = {}
    rows = csv.reader(io.StringIO(raw), delimiter=delimiter)
    for number, row in enumerate(rows, start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or len(row) > (2 if kind == "tsv" else 4):
            raise Refusal(400, f"Invalid glossary entries: line {number} is not a term pair.")
        source, target = row[0].strip(), row[1].strip()
        if not source or not target:
            raise Refusal(400, f"Invalid glossary entries: line {number} has an empty term.")
        if any(facts.is_glossary_control(c) for c in source + target):
            raise Refusal(
                400, f"Invalid glossary entries: line {number} has a term with a control character."
            )
        if max(len(source.encode()), len(target.encode())) > facts.GLOSSARY_MAX_TERM_BYTES:
            raise Refusal(400, f"Invalid glossary entries: line {number} has a term too long.")
        if source in entries:
            raise Refusal(400, f"Invalid glossary entries: duplicate source term on line {number}.")
        entries[source] = target
    if not entries:
        raise Refusal(400, "Invalid glossary entries: no entries.")
    return entries


def timestamp(moment: float) -> str:
    stamp = datetime.fromtimestamp(moment, tz=timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def target(value: Any) -> str:
    code = str(value or "").upper()
    if not code:
        raise Refusal(400, "Parameter 'target_lang' not specified.")
    if code in facts.DEPRECATED_TARGETS:
        raise Refusal(
            400,
            f"Value for 'target_lang' not supported: use {facts.DEPRECATED_TARGETS[code]}.",
        )
    code = facts.TARGET_ALIASES.get(code, code)
    if code not in facts.TARGET_LANGUAGES:
        raise Refusal(400, "Value for 'target_lang' not supported.")
    return code


def source(value: Any) -> str | None:
    if not value:
        return None
    code = str(value).upper()
    if code not in facts.SOURCE_LANGUAGES:
        raise Refusal(400, "Value for 'source_lang' not supported.")
    return code


def check_formality(value: Any, target: str) -> None:
    if value is None or value == "":
        return
    if value not in facts.FORMALITIES:
        raise Refusal(400, "Value for 'formality' not supported.")
    if value in ("more", "less") and not facts.TARGET_LANGUAGES[target][1]:
        raise Refusal(400, "'formality' is not supported for the given 'target_lang'.")


def params(request: Request) -> dict[str, Any]:
    """Query, form and JSON parameters together (the official library sends JSON, and
    a GET with a form body for the target languages)."""
    params: dict[str, Any] = dict(request.args.items())
    form = request.form
    for key in form:
        values = form.getlist(key)
        params[key] = values if key == "text" and len(values) > 1 else values[0]
    if request.mimetype == "application/json":
        try:
            body = json.loads(request.get_data(cache=True) or b"{}")
        except ValueError:
            raise Refusal(400, "Invalid JSON body.") from None
        if isinstance(body, dict):
            params.update(body)
    return params


REASONS = {
    429: "Too many requests. Please wait and resend your request.",
    456: "Quota exceeded. The character limit has been reached.",
    500: "Internal server error.",
    503: "Service temporarily unavailable.",
    504: "Service temporarily unavailable.",
    529: "Too many requests. Please wait and resend your request.",
}


def json_response(
    payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON answer."""
    response = Response(
        json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json"
    )
    response.headers["X-Trace-Id"] = uuid.uuid4().hex
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """DeepL's error answer: ``{"message": …}``."""
    return json_response({"message": message}, status=status, headers=headers)


#: The single-segment calls, by the path segment after ``/v2/``.
_CALLS = {
    "translate": "translate",
    "usage": "usage",
    "languages": "languages",
    "glossary-language-pairs": "glossary.pairs",
}


def action_of(environ: Mapping[str, Any]) -> str:  # noqa: PLR0911 - one return per call
    """The name of a request's call, for faults and the log."""
    method = environ.get("REQUEST_METHOD", "GET")
    parts = [p for p in str(environ.get("PATH_INFO", "")).split("/") if p]
    if len(parts) < 2 or parts[0] != "v2":
        return "unknown"
    call, rest = parts[1], parts[2:]
    if call == "document":
        if not rest:
            return "document.upload"
        return "document.result" if rest[1:2] == ["result"] else "document.status"
    if call != "glossaries":
        return _CALLS.get(call, "unknown")
    if not rest:
        return "glossary.create" if method == "POST" else "glossary.list"
    if rest[1:2] == ["entries"]:
        return "glossary.entries"
    return "glossary.delete" if method == "DELETE" else "glossary.get"
