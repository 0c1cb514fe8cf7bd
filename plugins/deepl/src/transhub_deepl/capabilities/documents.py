"""Document translation: upload (``POST /v2/document``), status
(``POST /v2/document/{id}``) and download (``POST /v2/document/{id}/result``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from transhub.capabilities.base import FileLimits, LanguageSupport, TaskState, TaskStatus
from transhub.capabilities.document import (
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
    PageCount,
    SavedDocument,
)
from transhub.errors import InputError, NotFoundError

from transhub_deepl import languages, limits
from transhub_deepl.client import RELEASED_HINT, DeepLClient, DocumentHandle
from transhub_deepl.limits import DOCUMENTS, OUTPUT_FORMATS, RESULT_EXTENSIONS
from transhub_deepl.provider import DEEPL
from transhub_deepl.settings import DeepLSettings

#: DeepL's document states → transhub's.
STATES = {
    "queued": TaskState.QUEUED,
    "translating": TaskState.RUNNING,
    "done": TaskState.DONE,
    "error": TaskState.FAILED,
}


def upload_fields(request: DocumentRequest, formal: frozenset[str]) -> dict[str, str]:
    """The multipart fields of an upload, every option checked first (nothing is
    sent for a request DeepL would refuse)."""
    options = request.options
    target_own = languages.target_code(request.target)
    fields = {"target_lang": target_own}
    if request.source is not None:
        fields["source_lang"] = languages.source_code(request.source)
    limits.check_formality(options.formality, target_own, formal)
    if options.formality is not None:
        fields["formality"] = options.formality
    if options.glossary_id is not None:
        if request.source is None:
            raise InputError("deepl: a glossary needs the source language: pass --from")
        fields["glossary_id"] = options.glossary_id
    if options.output_format is not None:
        extension = request.path.suffix.lower().lstrip(".")
        wanted = options.output_format.lower().lstrip(".")
        allowed = limits.OUTPUT_FORMATS.get(extension, frozenset())
        if wanted != extension and wanted not in allowed:
            offered = ", ".join(sorted(allowed)) or "none"
            raise InputError(
                f"deepl cannot deliver a .{extension} document as .{wanted} "
                f"(conversions of .{extension}: {offered})",
                path=request.path,
            )
        if wanted != extension:
            fields["output_format"] = wanted
    return fields


def task_status(answer: dict[str, Any]) -> TaskStatus:
    """A status answer as transhub's model (an unknown state is read as running)."""
    raw = str(answer.get("status", "")).lower()
    state = STATES.get(raw, TaskState.RUNNING)
    remaining = answer.get("seconds_remaining")
    billed = answer.get("billed_characters")
    message = str(answer.get("error_message") or answer.get("message") or "")
    return TaskStatus(
        state=state,
        message=message if state is TaskState.FAILED else raw,
        seconds_remaining=float(remaining) if isinstance(remaining, (int, float)) else None,
        billed_characters=billed if isinstance(billed, int) else None,
    )


class DeepLDocuments(DocumentTranslator[DeepLSettings, DeepLClient]):
    """Translates documents.  The result is deleted by DeepL once downloaded."""

    provider = DEEPL
    languages: ClassVar[LanguageSupport] = languages.Languages()  # type: ignore[assignment]
    limits: ClassVar[FileLimits] = DOCUMENTS
    options: ClassVar[frozenset[str]] = frozenset({"formality", "glossary_id", "output_format"})
    outputs: ClassVar[frozenset[OutputKind]] = frozenset({OutputKind.SAME})
    #: The estimate is DeepL's billing rule applied locally: no request is sent.
    counts_pages: ClassVar[bool] = True
    result_kept_after_download: ClassVar[bool] = False
    output_formats: ClassVar[dict[str, frozenset[str]]] = OUTPUT_FORMATS
    result_extensions: ClassVar[dict[str, str]] = RESULT_EXTENSIONS

    def refresh_languages(self) -> bool:
        """Fetch the account's language lists into the on-disk cache."""
        return languages.refresh(self.client)

    def submit(self, request: DocumentRequest) -> str:
        """Upload the document; returns ``<document_id>.<document_key>``.  Paid."""
        fields = upload_fields(request, languages.current()[1])
        limits.check_upload(request.path, self.settings.free)
        return self.client.upload_document(request.path, fields).task_id

    def status(self, task_id: str) -> TaskStatus:
        """The document's state, with ``seconds_remaining`` and ``billed_characters``.
        A document DeepL no longer knows is expired when transhub submitted it (the
        core's task memory knows it)."""
        handle = DocumentHandle.parse(task_id)
        answer = self.client.document_status(handle)
        if answer is None:
            if not self.tasks.knows(task_id):
                raise NotFoundError(
                    f"deepl: no document {handle.document_id}", provider="deepl", code=404
                )
            return TaskStatus(state=TaskState.EXPIRED, message=RELEASED_HINT)
        return task_status(answer)

    def download(self, task_id: str, destination: Path, kind: OutputKind) -> SavedDocument:
        """Stream the translation to ``destination`` (atomic).  DeepL then deletes it:
        a second download raises :class:`~transhub.errors.ResultExpiredError`."""
        saved = self.client.download_document(DocumentHandle.parse(task_id), destination)
        return SavedDocument(path=saved.path, size=saved.size, sha256=saved.sha256)

    def count_pages(self, path: Path) -> PageCount:
        """Pages counted locally, and the characters DeepL would bill (at least
        50,000 for each docx, doc, pptx, xlsx and pdf)."""
        from transhub.pages import count_locally

        try:
            pages = count_locally(path)
        except InputError:
            pages = PageCount(pages=1, exact=False)
        return PageCount(pages=pages.pages, exact=False, characters=limits.billed_estimate(path))

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The declarations, with the billing minimum."""
        data = super().describe()
        minimum = limits.MINIMUM_BILLED
        data["minimum_billed_characters"] = dict.fromkeys(
            sorted(limits.MINIMUM_BILLED_TYPES), minimum
        )
        return data
