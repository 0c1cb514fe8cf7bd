"""The emulated DeepL API v2 (a WSGI application), written from the API reference.

* Every call needs ``Authorization: DeepL-Auth-Key <key>`` with a known key (403
  otherwise); a key ending in ``:fx`` gets the Free plan's upload limits.
* ``/v2/translate`` takes JSON or form bodies, at most 50 texts and 128 KiB (400,
  413); refuses ``EN``/``PT`` as targets and ``more``/``less`` formality where the
  target has none (400); counts characters against the plan and answers 456 past it.
* ``/v2/document`` stores the upload; the document is ``queued``, then
  ``translating``, then ``done`` over :attr:`EmulatorOptions.task_seconds` (``error``
  when the file contains ``emulator-fail``); ``/result`` answers 503 until done, and
  deletes the document once it has answered — as DeepL does; a document older than
  :attr:`EmulatorOptions.result_ttl` after finishing is gone (404).
* ``/v2/glossaries`` (v2): create from TSV or CSV, list, get, entries (TSV), delete.
* ``/v2/usage``, ``/v2/languages``, ``/v2/glossary-language-pairs``.

Requests answered by the fault injector never reach it and are not in its log.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from transhub.emulation import LoggedRequest, RequestLog
from werkzeug.wrappers import Request, Response

from transhub_deepl.emulator import facts, outputs, protocol
from transhub_deepl.emulator.protocol import Refusal

FAIL_MARKER = b"emulator-fail"
#: Where an upload's bytes are kept for the request log.
UPLOADED = "transhub_deepl.uploaded"


@dataclass
class EmulatorOptions:
    """How the emulator behaves.  ``clock`` drives document progress and expiry."""

    task_seconds: float = 2.0
    result_ttl: float = 3600.0
    keys: frozenset[str] = frozenset()
    character_limit: int = facts.FREE_CHARACTER_LIMIT
    #: ``document_limit`` to report in ``/v2/usage`` (``None``: the plan counts none).
    document_limit: int | None = None
    #: ``Retry-After`` seconds sent with a throttling answer (``None``: no header).
    throttle_retry_after: float | None = 1.0
    clock: Callable[[], float] = time.time


@dataclass
class _Document:
    document_id: str
    key: str
    owner: str
    data: bytes
    extension: str
    output: str
    target: str
    billed: int
    created_at: float
    failing: bool
    fetched: bool = False
    # The glossary's entries as they were at upload (a later delete does not undo them).
    glossary: dict[str, str] | None = None


@dataclass
class _Glossary:
    glossary_id: str
    owner: str
    name: str
    source: str
    target: str
    entries: dict[str, str]
    created: str


class DeepLEmulator:
    """The emulated service.  Thread-safe."""

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self.options = options or EmulatorOptions()
        self.log = RequestLog()
        self.documents: dict[str, _Document] = {}
        self.glossaries: dict[str, _Glossary] = {}
        self.characters: dict[str, int] = {}
        self.documents_translated: dict[str, int] = {}
        self._refusals: list[tuple[str | None, int, dict[str, str]]] = []
        self._lock = threading.Lock()

    # -- test helpers ----------------------------------------------------------------

    def refuse_next(
        self,
        status: int,
        action: str | None = None,
        times: int = 1,
        retry_after: float | None = None,
    ) -> None:
        """Answer the next ``times`` requests (of ``action``) with HTTP ``status``,
        unprocessed (e.g. 456, 529, 503), with ``Retry-After`` when given."""
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        with self._lock:
            self._refusals.extend([(action, status, headers)] * times)

    def state_of(self, document_id: str) -> str:
        """A document's state now (``gone`` once deleted)."""
        with self._lock:
            document = self.documents.get(document_id)
            return self._state(document) if document else "gone"

    # -- WSGI ------------------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        action = protocol.action_of(environ)
        try:
            refused = self._take_refusal(action)
            if refused is not None:
                status, headers = refused
                reason = protocol.REASONS.get(status, "Refused by the emulator.")
                raise Refusal(status, reason, headers)
            owner = self._authenticate(request)
            response = self._route(request, action, owner)
        except Refusal as refusal:
            response = protocol.error_response(refusal.status, refusal.message, refusal.headers)
        self._record(request, action, response.status_code)
        return response(environ, start_response)

    def _take_refusal(self, action: str) -> tuple[int, dict[str, str]] | None:
        with self._lock:
            for index, (only, status, headers) in enumerate(self._refusals):
                if only is None or only == action:
                    del self._refusals[index]
                    return status, headers
        return None

    def _record(self, request: Request, action: str, status: int) -> None:
        content: bytes | None = request.environ.get(UPLOADED)
        self.log.append(
            LoggedRequest(
                action=action,
                method=request.method,
                path=request.path,
                fields={k: v for k, v in protocol.params(request).items() if isinstance(v, str)},
                file_sha256=hashlib.sha256(content).hexdigest() if content is not None else None,
                file_size=len(content) if content is not None else None,
                status=status,
            )
        )

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme != "DeepL-Auth-Key" or key.strip() not in self.options.keys:
            raise Refusal(403, "Authorization failure, check auth_key")
        return key.strip()

    def _route(self, request: Request, action: str, owner: str) -> Response:
        too_big = (request.content_length or 0) > facts.MAX_REQUEST_BYTES
        if action != "document.upload" and too_big:
            raise Refusal(413, "Request Entity Too Large")
        handler = _HANDLERS.get(action)
        if handler is None:
            raise Refusal(404, "Not found")
        return handler(self, request, owner)

    # -- text ------------------------------------------------------------------------

    def _translate(self, request: Request, owner: str) -> Response:
        params = protocol.params(request)
        texts = params.get("text")
        texts = [texts] if isinstance(texts, str) else texts
        if not texts or not all(isinstance(t, str) for t in texts):
            raise Refusal(400, "Parameter 'text' not specified.")
        if len(texts) > facts.MAX_TEXTS:
            raise Refusal(400, f"Too many texts: at most {facts.MAX_TEXTS} per request.")
        target = protocol.target(params.get("target_lang"))
        source = protocol.source(params.get("source_lang"))
        protocol.check_formality(params.get("formality"), target)
        glossary = self._glossary_for(params.get("glossary_id"), owner, source, target)
        billed = sum(len(t) for t in texts)
        self._charge(owner, billed)
        tags = params.get("tag_handling")
        answers: list[dict[str, Any]] = [
            {
                "detected_source_language": source or outputs.detect(text),
                "text": outputs.translate_text(text, target, glossary, tags),
            }
            for text in texts
        ]
        if params.get("show_billed_characters") in (True, "1", "true"):
            # Reported only when asked, as the reference says.
            for answer, text in zip(answers, texts, strict=True):
                answer["billed_characters"] = len(text)
        return protocol.json_response({"translations": answers})

    def _glossary_for(
        self, glossary_id: Any, owner: str, source: str | None, target: str
    ) -> dict[str, str] | None:
        if not glossary_id:
            return None
        if source is None:
            raise Refusal(400, "Use of a glossary requires the source_lang parameter to be set.")
        with self._lock:
            glossary = self.glossaries.get(str(glossary_id))
        if glossary is None or glossary.owner != owner:
            raise Refusal(400, "Specified glossary could not be found.")
        language = target.split("-", maxsplit=1)[0].lower()
        if glossary.source != source.lower() or glossary.target != language:
            raise Refusal(400, "Glossary language pair does not match the request.")
        return glossary.entries

    def _charge(self, owner: str, characters: int) -> None:
        with self._lock:
            used = self.characters.get(owner, 0)
            if used + characters > self.options.character_limit:
                raise Refusal(456, "Quota exceeded. The character limit has been reached.")
            self.characters[owner] = used + characters

    # -- documents -------------------------------------------------------------------

    def _upload(self, request: Request, owner: str) -> Response:
        upload = request.files.get("file")
        if upload is None:
            raise Refusal(400, "Parameter 'file' not specified.")
        params = protocol.params(request)
        name = str(params.get("filename") or upload.filename or "")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in facts.UPLOAD_LIMITS:
            raise Refusal(400, "Invalid file data: the file type is not supported.")
        data = upload.read()
        request.environ[UPLOADED] = data
        free_limit, pro_limit = facts.UPLOAD_LIMITS[extension]
        limit = free_limit if owner.endswith(facts.FREE_KEY_SUFFIX) else pro_limit
        if len(data) > limit:
            raise Refusal(413, f"Document too large: at most {limit} bytes for .{extension}.")
        target = protocol.target(params.get("target_lang"))
        source = protocol.source(params.get("source_lang"))
        protocol.check_formality(params.get("formality"), target)
        glossary = self._glossary_for(params.get("glossary_id"), owner, source, target)
        output = str(params.get("output_format") or "").lower() or extension
        if extension == "doc":
            output = "docx"
        if output != extension and output not in facts.CONVERSIONS.get(extension, set()):
            raise Refusal(400, f"Conversion of .{extension} to .{output} is not supported.")
        counted = len(data.decode("utf-8", "replace"))
        billed = max(counted, facts.MINIMUM_BILLED) if extension in facts.MINIMUM_TYPES else counted
        self._charge(owner, billed)
        document = _Document(
            document_id=secrets.token_hex(16).upper(),
            key=secrets.token_hex(32).upper(),
            owner=owner,
            data=data,
            extension=extension,
            output=output,
            target=target,
            billed=billed,
            created_at=self.options.clock(),
            failing=FAIL_MARKER in data,
            glossary=dict(glossary) if glossary else None,
        )
        with self._lock:
            self.documents[document.document_id] = document
            self.documents_translated[owner] = self.documents_translated.get(owner, 0) + 1
        return protocol.json_response(
            {"document_id": document.document_id, "document_key": document.key}
        )

    def _state(self, document: _Document) -> str:
        elapsed = self.options.clock() - document.created_at
        total = self.options.task_seconds
        if elapsed >= total:
            if elapsed - total > self.options.result_ttl:
                return "gone"
            return "error" if document.failing else "done"
        return "queued" if elapsed < total / 3 else "translating"

    def _document(self, request: Request, owner: str) -> _Document:
        document_id = request.path.split("/")[3]
        key = protocol.params(request).get("document_key")
        with self._lock:
            document = self.documents.get(document_id)
            if document is not None and self._state(document) == "gone":
                del self.documents[document_id]
                document = None
        if document is None or document.owner != owner or document.key != key:
            raise Refusal(404, "Document not found.")
        return document

    def _status(self, request: Request, owner: str) -> Response:
        document = self._document(request, owner)
        state = self._state(document)
        answer: dict[str, Any] = {"document_id": document.document_id, "status": state}
        if state == "translating":
            remaining = document.created_at + self.options.task_seconds - self.options.clock()
            answer["seconds_remaining"] = max(int(remaining), 1)
        if state == "done":
            answer["billed_characters"] = document.billed
        if state == "error":
            answer["error_message"] = "The document could not be translated (emulated failure)."
        return protocol.json_response(answer)

    def _result(self, request: Request, owner: str) -> Response:
        document = self._document(request, owner)
        if self._state(document) != "done":
            raise Refusal(503, "Document not ready.")
        body = outputs.translate_document(
            document.data, document.extension, document.output, document.target, document.glossary
        )
        # DeepL deletes the document once the result has been handed out.
        with self._lock:
            self.documents.pop(document.document_id, None)
        response = Response(body, status=200, content_type="application/octet-stream")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="document.{document.output}"'
        )
        return response

    # -- account and languages ---------------------------------------------------------

    def _usage(self, request: Request, owner: str) -> Response:
        with self._lock:
            answer: dict[str, Any] = {
                "character_count": self.characters.get(owner, 0),
                "character_limit": self.options.character_limit,
            }
            if self.options.document_limit is not None:
                answer["document_count"] = self.documents_translated.get(owner, 0)
                answer["document_limit"] = self.options.document_limit
        return protocol.json_response(answer)

    def _languages(self, request: Request, owner: str) -> Response:
        kind = str(protocol.params(request).get("type") or "source")
        if kind == "target":
            return protocol.json_response(
                [
                    {"language": code, "name": name, "supports_formality": formal}
                    for code, (name, formal) in facts.TARGET_LANGUAGES.items()
                ]
            )
        if kind != "source":
            raise Refusal(400, "Value for 'type' not supported.")
        return protocol.json_response(
            [{"language": code, "name": name} for code, name in facts.SOURCE_LANGUAGES.items()]
        )

    # -- glossaries ----------------------------------------------------------------------

    def _pairs(self, request: Request, owner: str) -> Response:
        return protocol.json_response(
            {
                "supported_languages": [
                    {"source_lang": s, "target_lang": t}
                    for s in facts.GLOSSARY_LANGUAGES
                    for t in facts.GLOSSARY_LANGUAGES
                    if s != t
                ]
            }
        )

    def _create_glossary(self, request: Request, owner: str) -> Response:
        params = protocol.params(request)
        name = str(params.get("name") or "")
        source = str(params.get("source_lang") or "").lower()
        target = str(params.get("target_lang") or "").lower()
        if not name:
            raise Refusal(400, "Parameter 'name' not specified.")
        if (
            source not in facts.GLOSSARY_LANGUAGES
            or target not in facts.GLOSSARY_LANGUAGES
            or (source == target)
        ):
            raise Refusal(400, "Unsupported glossary source and target language pair.")
        raw = str(params.get("entries") or "")
        if len(raw.encode("utf-8")) > facts.GLOSSARY_MAX_BYTES:
            raise Refusal(413, "Glossary too large.")
        entries = protocol.entries(raw, str(params.get("entries_format") or "tsv"))
        with self._lock:
            if sum(g.owner == owner for g in self.glossaries.values()) >= facts.GLOSSARY_MAX_COUNT:
                raise Refusal(400, "Too many glossaries.")
            glossary = _Glossary(
                glossary_id=str(uuid.uuid4()),
                owner=owner,
                name=name,
                source=source,
                target=target,
                entries=entries,
                created=protocol.timestamp(self.options.clock()),
            )
            self.glossaries[glossary.glossary_id] = glossary
        return protocol.json_response(_describe(glossary), status=201)

    def _glossary(self, request: Request, owner: str) -> _Glossary:
        glossary_id = request.path.split("/")[3]
        with self._lock:
            glossary = self.glossaries.get(glossary_id)
        if glossary is None or glossary.owner != owner:
            raise Refusal(404, "Glossary not found.")
        return glossary

    def _list_glossaries(self, request: Request, owner: str) -> Response:
        with self._lock:
            mine = [_describe(g) for g in self.glossaries.values() if g.owner == owner]
        return protocol.json_response({"glossaries": mine})

    def _get_glossary(self, request: Request, owner: str) -> Response:
        return protocol.json_response(_describe(self._glossary(request, owner)))

    def _glossary_entries(self, request: Request, owner: str) -> Response:
        glossary = self._glossary(request, owner)
        accept = request.headers.get("Accept", "text/tab-separated-values")
        if "tab-separated-values" not in accept and "*/*" not in accept:
            raise Refusal(415, "Unsupported Media Type: entries come as text/tab-separated-values.")
        body = "".join(f"{s}\t{t}\n" for s, t in glossary.entries.items())
        return Response(body, status=200, content_type="text/tab-separated-values; charset=utf-8")

    def _delete_glossary(self, request: Request, owner: str) -> Response:
        glossary = self._glossary(request, owner)
        with self._lock:
            self.glossaries.pop(glossary.glossary_id, None)
        return Response(status=204)


def _describe(glossary: _Glossary) -> dict[str, Any]:
    return {
        "glossary_id": glossary.glossary_id,
        "name": glossary.name,
        "ready": True,
        "source_lang": glossary.source,
        "target_lang": glossary.target,
        "creation_time": glossary.created,
        "entry_count": len(glossary.entries),
    }


_HANDLERS: dict[str, Callable[[DeepLEmulator, Request, str], Response]] = {
    "translate": DeepLEmulator._translate,
    "document.upload": DeepLEmulator._upload,
    "document.status": DeepLEmulator._status,
    "document.result": DeepLEmulator._result,
    "usage": DeepLEmulator._usage,
    "languages": DeepLEmulator._languages,
    "glossary.pairs": DeepLEmulator._pairs,
    "glossary.create": DeepLEmulator._create_glossary,
    "glossary.list": DeepLEmulator._list_glossaries,
    "glossary.get": DeepLEmulator._get_glossary,
    "glossary.entries": DeepLEmulator._glossary_entries,
    "glossary.delete": DeepLEmulator._delete_glossary,
}
