"""The emulator's wire helpers: reading a request's body and parameters once, naming
its action for fault injection, JSON answers, and the synthesized result images."""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from werkzeug.wrappers import Request, Response

from transhub_alibaba import signing

#: The action name of a result file download (no gateway action: object storage).
DOWNLOAD = "DownloadResult"
MAX_BODY = 1024 * 1024


@functools.lru_cache(maxsize=4096)
def render_png(url: str, source: str, target: str, kind: str = "final") -> bytes:
    """A small PNG that says it is emulator output for ``url`` (same bytes each time).

    Drawing one takes a few milliseconds of CPU; the emulator runs beside the client
    on the same machine (tests, benchmarks), so the same image is drawn once per
    process, not once per task: a batch's downloads do not wait for the emulator's
    drawing, which a real service does on its own machines while the task runs."""
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    digest = hashlib.sha256(f"{url}\n{target}".encode("utf-8", "surrogatepass")).digest()
    background = tuple(160 + b % 96 for b in digest[:3])
    image = Image.new("RGB", (420, 96), background)
    draw = ImageDraw.Draw(image)
    name = urlsplit(url).path.rsplit("/", 1)[-1] or url
    printable = name.encode("ascii", "replace").decode("ascii")[:48]
    draw.text((8, 8), "transhub emulator output - not a translation", fill=(0, 0, 0))
    draw.text((8, 36), f"{kind}: {source} -> {target}", fill=(0, 0, 0))
    draw.text((8, 64), printable, fill=(0, 0, 0))
    info = PngInfo()
    info.add_text("Software", "transhub alibaba emulator")
    info.add_text("Comment", "emulator output, not a translation")
    info.add_itxt("Source", url)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def buffer_body(environ: dict[str, Any]) -> bytes:
    """Read the request body once (at most :data:`MAX_BODY` + 1 bytes) and put it back
    as a fresh stream, so the fault injector and the service can both see it."""
    cached = environ.get("transhub.body")
    if isinstance(cached, bytes):
        return cached
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    body = stream.read(min(max(length, 0), MAX_BODY + 1)) if stream is not None and length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["transhub.body"] = body
    return body


def parameters(request: Request, body: bytes) -> dict[str, str]:
    """Query and form parameters together (form wins), decoded leniently."""
    params = dict(parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True))
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if body and content_type in ("", signing.FORM_CONTENT_TYPE):
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def action_of(environ: dict[str, Any]) -> str:
    """The action a request asks for, for per-action faults."""
    if environ.get("PATH_INFO", "").startswith("/results/"):
        return DOWNLOAD
    header = environ.get("HTTP_X_ACS_ACTION")
    if header:
        return str(header)
    body = buffer_body(environ)
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return form.get("Action") or query.get("Action") or "unknown"


def json_response(
    status: int, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    response = Response(
        json.dumps(payload, ensure_ascii=False),
        status=status,
        content_type="application/json;charset=utf-8",
    )
    if "RequestId" in payload:
        response.headers["x-acs-request-id"] = str(payload["RequestId"])
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
