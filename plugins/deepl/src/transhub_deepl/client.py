"""The DeepL API client: one method per call, over the core's
:class:`~transhub.http.HttpClient` (timeouts, retries, streaming, atomic saves).

Every request carries ``Authorization: DeepL-Auth-Key …``.  The retry policy is the
core's: reads (status, download, usage, languages, glossary reads) are idempotent
and retried after network errors and 429/5xx; paid or creating calls (a document
upload, a text translation, a glossary creation) are retried only when the request
provably never reached DeepL or DeepL refused it before processing (429, and 529 —
DeepL's "too many requests" under high load, handled here the same way).  Every
other failure becomes the typed error of :mod:`transhub_deepl.codes`.

A document's task id is ``<document_id>.<document_key>``: the key is what DeepL
asks for to reveal the document's status and result, so the job journal must keep
it to resume; it opens nothing without the account's authentication key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from transhub.errors import (
    ConfigurationError,
    NotFoundError,
    RateLimitError,
    ResponseFormatError,
    ResultExpiredError,
    TranshubError,
)
from transhub.http import parse_json
from transhub.retrying import call_with_retries, cut_short

from transhub_deepl import codes

if TYPE_CHECKING:
    import requests
    from transhub.http import Download, HttpClient

    from transhub_deepl.settings import DeepLSettings

log = logging.getLogger("transhub.deepl")

T = TypeVar("T")

PROVIDER = "deepl"
#: What a download that cannot be repeated leaves the user to do.
RELEASED_HINT = (
    "DeepL deletes a translated document once it has been downloaded (and unfetched ones "
    "after a while); it cannot be fetched again: translate the document anew "
    "(it is billed again)"
)


@dataclass(frozen=True)
class DocumentHandle:
    """DeepL's two identifiers of an uploaded document."""

    document_id: str
    document_key: str

    @property
    def task_id(self) -> str:
        """The task id transhub records."""
        return f"{self.document_id}.{self.document_key}"

    @classmethod
    def parse(cls, task_id: str) -> DocumentHandle:
        """The handle a task id names."""
        document_id, dot, document_key = task_id.partition(".")
        if not dot or not document_id or not document_key:
            raise NotFoundError(
                f"deepl: {task_id!r} is not a DeepL document task id (<document_id>.<key>)",
                provider=PROVIDER,
            )
        return cls(document_id, document_key)


@dataclass(frozen=True)
class Translation:
    """One translated text, as ``/v2/translate`` returns it."""

    text: str
    detected_source: str | None
    billed_characters: int | None


def _high_load(exc: TranshubError) -> bool:
    """A 529 answer: DeepL refused the request before processing it."""
    return isinstance(exc, RateLimitError) and exc.code == codes.HIGH_LOAD


class DeepLClient:
    """The calls of the DeepL API that transhub uses.  Thread-safe."""

    def __init__(self, settings: DeepLSettings, http: HttpClient) -> None:
        self.settings = settings
        self.http = http
        if not settings.key():
            raise ConfigurationError(
                "deepl is not configured: set " + " and ".join(settings.missing()),
                provider=PROVIDER,
            )
        self.base = settings.base_url(insecure=http.options.insecure)

    # -- plumbing ----------------------------------------------------------------

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"DeepL-Auth-Key {self.settings.key()}"}
        headers.update(extra or {})
        return headers

    def _send(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        what: str,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        stream: bool = False,
        accept: str | None = None,
    ) -> requests.Response:
        """One call under the retry policy; an error status raises its typed error."""
        headers = {"Accept": accept} if accept else {}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"

        def attempt() -> requests.Response:
            response = self.http.request(
                method,
                f"{self.base}{path}",
                idempotent=idempotent,
                data=data,
                headers=self._headers(headers),
                params=params,
                stream=stream,
                what=f"deepl {what}",
            )
            self._raise_for(response, what, idempotent=idempotent)
            return response

        return self._retrying(attempt)

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """``attempt()`` under the core's retry helper, again after a 529 (DeepL's
        "too many requests" under high load: refused before processing, so safe to
        send again, paid or not; 429 the HTTP layer has retried already)."""
        return call_with_retries(
            attempt, self.http.options, sleep=self.http.sleep, retry=_high_load
        )

    @staticmethod
    def _raise_for(response: requests.Response, what: str, *, idempotent: bool) -> None:
        if response.status_code < 400:
            return
        try:
            raise codes.error_for(
                response,
                what,
                processed_unknown=not idempotent and response.status_code >= 500,
            )
        finally:
            response.close()

    def _json(self, response: requests.Response, what: str) -> Any:
        return parse_json(response, PROVIDER, f"deepl {what}")

    def _object(self, response: requests.Response, what: str) -> dict[str, Any]:
        data = self._json(response, what)
        if not isinstance(data, dict):
            raise ResponseFormatError(
                f"deepl: {what} answered {type(data).__name__}, not an object",
                provider=PROVIDER,
            )
        return data

    # -- text ----------------------------------------------------------------------

    def translate(
        self, texts: Sequence[str], target: str, source: str | None, options: Mapping[str, Any]
    ) -> list[Translation]:
        """``POST /v2/translate`` for one batch (the caller keeps it within the limits)."""
        # show_billed_characters: DeepL reports what each text is billed only when asked.
        body: dict[str, Any] = {
            "text": list(texts),
            "target_lang": target,
            "show_billed_characters": True,
            **options,
        }
        if source:
            body["source_lang"] = source
        data = self._object(
            self._send("POST", "/v2/translate", idempotent=False, what="translate", body=body),
            "translate",
        )
        items = data.get("translations")
        if not isinstance(items, list) or len(items) != len(texts):
            raise ResponseFormatError(
                f"deepl: translate answered {len(items) if isinstance(items, list) else 'no'} "
                f"translations for {len(texts)} texts",
                provider=PROVIDER,
            )
        results = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ResponseFormatError("deepl: translate answered a malformed translation")
            billed = item.get("billed_characters")
            results.append(
                Translation(
                    text=item["text"],
                    detected_source=item.get("detected_source_language") or None,
                    billed_characters=int(billed) if isinstance(billed, int) else None,
                )
            )
        return results

    # -- documents -----------------------------------------------------------------

    def upload_document(self, path: Path, fields: Mapping[str, str]) -> DocumentHandle:
        """``POST /v2/document`` (multipart, streamed from disk).  Paid: never retried
        blindly."""

        def attempt() -> requests.Response:
            response = self.http.upload(
                f"{self.base}/v2/document",
                fields=fields,
                file_field="file",
                path=path,
                headers=self._headers(),
                idempotent=False,
                what="deepl document upload",
            )
            self._raise_for(response, "document upload", idempotent=False)
            return response

        response = self._retrying(attempt)
        data = self._object(response, "document upload")
        document_id, document_key = data.get("document_id"), data.get("document_key")
        if not isinstance(document_id, str) or not isinstance(document_key, str):
            raise ResponseFormatError(
                "deepl: document upload answered no document_id and document_key",
                provider=PROVIDER,
            )
        return DocumentHandle(document_id, document_key)

    def document_status(self, handle: DocumentHandle) -> dict[str, Any] | None:
        """``POST /v2/document/{id}``; ``None`` when DeepL no longer knows the document."""
        try:
            response = self._send(
                "POST",
                f"/v2/document/{handle.document_id}",
                idempotent=True,
                what="document status",
                body={"document_key": handle.document_key},
            )
        except NotFoundError:
            return None
        return self._object(response, "document status")

    def download_document(self, handle: DocumentHandle, destination: Path) -> Download:
        """``POST /v2/document/{id}/result``, streamed to ``destination`` atomically.

        DeepL deletes the result once it has been downloaded: a download cut short is
        asked for once more, and when DeepL has released it the error says so.
        """
        tries = 0

        def attempt() -> Download:
            nonlocal tries
            tries += 1
            try:
                response = self._send(
                    "POST",
                    f"/v2/document/{handle.document_id}/result",
                    idempotent=True,
                    what="document download",
                    body={"document_key": handle.document_key},
                    stream=True,
                )
            except NotFoundError as exc:
                cut = " after an interrupted download" if tries > 1 else ""
                raise ResultExpiredError(
                    f"deepl: the translation of document {handle.document_id} is no longer "
                    f"kept{cut}",
                    provider=PROVIDER,
                    code=exc.code,
                    provider_message=exc.provider_message,
                    hint=RELEASED_HINT,
                ) from None
            return self.http.save(response, destination, overwrite=True)

        # Once: a second cut-short body would most likely find the result released.
        return call_with_retries(
            attempt, self.http.options, sleep=self.http.sleep, retry=cut_short, limit=1
        )

    # -- account and languages -----------------------------------------------------

    def usage(self) -> dict[str, Any]:
        """``GET /v2/usage``."""
        return self._object(self._send("GET", "/v2/usage", idempotent=True, what="usage"), "usage")

    def languages(self, kind: str) -> list[dict[str, Any]]:
        """``GET /v2/languages?type=source|target``."""
        response = self._send(
            "GET", "/v2/languages", idempotent=True, what="languages", params={"type": kind}
        )
        data = self._json(response, "languages")
        if not isinstance(data, list) or not all(
            isinstance(item, dict) and isinstance(item.get("language"), str) for item in data
        ):
            raise ResponseFormatError("deepl: languages answered no list of languages")
        return data

    # -- glossaries (v2: one language pair per glossary) -----------------------------

    def glossary_language_pairs(self) -> list[tuple[str, str]]:
        """``GET /v2/glossary-language-pairs``."""
        data = self._object(
            self._send(
                "GET", "/v2/glossary-language-pairs", idempotent=True, what="glossary pairs"
            ),
            "glossary pairs",
        )
        pairs = data.get("supported_languages", [])
        return [(str(p["source_lang"]), str(p["target_lang"])) for p in pairs]

    def create_glossary(self, name: str, source: str, target: str, tsv: str) -> dict[str, Any]:
        """``POST /v2/glossaries`` with TSV entries.  Creates: never retried blindly."""
        body = {
            "name": name,
            "source_lang": source,
            "target_lang": target,
            "entries": tsv,
            "entries_format": "tsv",
        }
        return self._object(
            self._send(
                "POST", "/v2/glossaries", idempotent=False, what="glossary create", body=body
            ),
            "glossary create",
        )

    def list_glossaries(self) -> list[dict[str, Any]]:
        """``GET /v2/glossaries``."""
        data = self._object(
            self._send("GET", "/v2/glossaries", idempotent=True, what="glossary list"),
            "glossary list",
        )
        found = data.get("glossaries", [])
        return [g for g in found if isinstance(g, dict)]

    def get_glossary(self, glossary_id: str) -> dict[str, Any]:
        """``GET /v2/glossaries/{id}``."""
        return self._object(
            self._send("GET", f"/v2/glossaries/{glossary_id}", idempotent=True, what="glossary"),
            "glossary",
        )

    def glossary_entries(self, glossary_id: str) -> str:
        """``GET /v2/glossaries/{id}/entries`` as TSV."""
        response = self._send(
            "GET",
            f"/v2/glossaries/{glossary_id}/entries",
            idempotent=True,
            what="glossary entries",
            accept="text/tab-separated-values",
        )
        return response.content.decode("utf-8")

    def delete_glossary(self, glossary_id: str) -> None:
        """``DELETE /v2/glossaries/{id}``."""
        self._send(
            "DELETE", f"/v2/glossaries/{glossary_id}", idempotent=True, what="glossary delete"
        ).close()
