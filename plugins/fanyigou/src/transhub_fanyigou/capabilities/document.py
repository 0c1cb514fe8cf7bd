"""Document translation (with page counting and the two-step submit) and conversion."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from transhub.capabilities.base import LanguageSupport, TaskState, TaskStatus
from transhub.capabilities.document import (
    ConvertFormat,
    DocumentConverter,
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
    PageCount,
    SavedDocument,
)
from transhub.errors import NotFoundError, ResultExpiredError, UnsupportedLanguageError
from transhub.polling import wait_for

from transhub_fanyigou import codes
from transhub_fanyigou.answers import task_status
from transhub_fanyigou.callbacks import CallbackStore
from transhub_fanyigou.capabilities.tracking import tracked
from transhub_fanyigou.client import (
    DTYPE_CONVERTED,
    DTYPE_PDF,
    DTYPE_SAME,
    DocumentSubmission,
    FanyigouClient,
    SavedFile,
)
from transhub_fanyigou.languages import CODES, INDUSTRY_IDS, industry_id
from transhub_fanyigou.limits import CONVERSION_EXTENSIONS, CONVERSIONS, DOCUMENTS, PDF_FROM
from transhub_fanyigou.provider import FANYIGOU
from transhub_fanyigou.settings import FanyigouSettings

#: Documents: any listed language to any other; the source may be detected.
DOCUMENT_LANGUAGES = LanguageSupport(codes=CODES, auto_detect=True)


def provider_code(canonical: str) -> str:
    """Fanyigou's code for a canonical language code."""
    try:
        return CODES[canonical]
    except KeyError:
        raise UnsupportedLanguageError(
            f"fanyigou does not offer the language {canonical!r}"
        ) from None


def awaited_callback(
    client: FanyigouClient, settings: FanyigouSettings, task_id: str
) -> TaskStatus | None:
    """What to answer without asking the service: the final state a callback
    recorded, or — with ``callbacks`` on, between two fallback checks — "running,
    waiting for the callback".  ``None``: ask the service now."""
    recorded = CallbackStore.default().final_status(task_id)
    if recorded is not None:
        return recorded
    if settings.callbacks and not client.notes.due(task_id, settings.callback_fallback):
        return TaskStatus(state=TaskState.RUNNING, message="waiting for the callback")
    return None


def saved_document(saved: SavedFile) -> SavedDocument:
    """A download as the core's model."""
    return SavedDocument(
        path=saved.download.path,
        size=saved.download.size,
        sha256=saved.download.sha256,
        detected_language=saved.detected_language,
    )


class _TwoStepSubmit:
    """``idempotent_submit``: true when the translator's settings turn ``two_step`` on.

    Read on the class, where no settings are known, it is ``False`` — the safe answer.
    Read on an instance (``translator.idempotent_submit``) it tells the truth: the
    core may then call :meth:`FanyigouDocuments.count_pages` first, journal the task
    id it returns, and submit with ``prepared_task_id`` — a repeated submit of that
    id is refused by the service (326) instead of charged twice.
    """

    def __get__(self, instance: object, owner: type | None = None) -> bool:
        if instance is None:
            return False
        settings = getattr(instance, "settings", None)
        return bool(getattr(settings, "two_step", False))


class FanyigouDocuments(DocumentTranslator[FanyigouSettings, FanyigouClient]):
    """Translates documents: ``uploadTranslate`` (or ``detectDocPage`` then
    ``submitForDetectDoc``), ``queryTransProgress``, ``downloadFile``."""

    provider = FANYIGOU
    languages: ClassVar[LanguageSupport] = DOCUMENT_LANGUAGES
    limits = DOCUMENTS
    options: ClassVar[frozenset[str]] = frozenset(
        {"industry", "bilingual", "translate_images", "all_sheets"}
    )
    outputs: ClassVar[frozenset[OutputKind]] = frozenset({OutputKind.SAME, OutputKind.PDF})
    pdf_from: ClassVar[frozenset[str] | None] = PDF_FROM
    counts_pages: ClassVar[bool] = True
    industries: ClassVar[dict[str, str]] = INDUSTRY_IDS
    # A descriptor, not a constant: it depends on the settings (see _TwoStepSubmit).
    idempotent_submit = _TwoStepSubmit()

    def submit(self, request: DocumentRequest) -> str:
        """Start translating; returns the task id.

        With ``prepared_task_id`` (from :meth:`count_pages`) the upload is not sent
        again; with ``two_step`` every document goes through ``detectDocPage`` first.
        """
        options = self._submission(request)
        task_id = self._submit(request, options)
        # The download picks its dtype by document type: known now, asked never.
        self.client.notes.kind(task_id, request.path.suffix)
        return task_id

    def _submit(self, request: DocumentRequest, options: DocumentSubmission) -> str:
        if request.prepared_task_id is not None:
            self.client.submit_for_detect_doc(request.prepared_task_id, options)
            return request.prepared_task_id
        if self.settings.two_step:
            count = self.count_pages(request.path)
            assert count.task_id is not None  # count_pages always keeps the upload
            self.client.submit_for_detect_doc(count.task_id, options)
            return count.task_id
        return self.client.upload_translate(request.path, options)

    def status(self, task_id: str) -> TaskStatus:
        """The task's state: a final state the callback server recorded, else the
        service's ``queryTransProgress`` (with ``callbacks`` on, only every
        ``callback_fallback`` seconds: the callback is awaited instead)."""
        recorded = awaited_callback(self.client, self.settings, task_id)
        if recorded is not None:
            return recorded

        def fetch() -> TaskStatus:
            progress = self.client.query_progress(task_id)
            self.client.notes.kind(task_id, progress.doc_type)
            return task_status(progress, call="queryTransProgress", counted_is_queued=True)

        return tracked(self.tasks, task_id, fetch)

    def download(self, task_id: str, destination: Path, kind: OutputKind) -> SavedDocument:
        """``downloadFile`` with ``dtype`` 3 (same kind) or 2 (PDF).

        ``dtype`` 3 of a PDF is a Word file (the reference: "3: translated word file
        (inputs word, pdf)"), so the same kind of a PDF is asked for as ``dtype`` 2.
        """
        dtype = DTYPE_PDF if kind is OutputKind.PDF else DTYPE_SAME
        if dtype == DTYPE_SAME and self._doc_type(task_id) == "pdf":
            dtype = DTYPE_PDF
        return saved_document(self.client.download_file(task_id, dtype, destination))

    def _doc_type(self, task_id: str) -> str | None:
        """The task's document type, as its progress reported it (asked once more when
        this process has not seen it: a resumed job)."""
        known = self.client.notes.kind(task_id)
        if known is not None:
            return known
        try:
            progress = self.client.query_progress(task_id)
        except NotFoundError as exc:
            # The core downloads only finished tasks: one the service forgot has expired.
            raise ResultExpiredError(
                f"fanyigou: the result of task {task_id} is no longer kept",
                provider="fanyigou",
                code=exc.code,
                provider_message=exc.provider_message,
            ) from None
        return self.client.notes.kind(task_id, progress.doc_type)

    def count_pages(self, path: Path) -> PageCount:
        """``detectDocPage``, then ``queryTransProgress`` until the background count
        is done (status 330, pages > 0).  The upload is kept: the returned task id
        translates it without sending it again."""
        task_id, pages = self.client.detect_doc_page(path)
        if pages > 0:
            return PageCount(pages=pages, task_id=task_id)
        counted: list[int] = []

        def fetch() -> TaskStatus:
            progress = self.client.query_progress(task_id)
            state = codes.outcome(
                progress.status, progress.message, call="queryTransProgress", task=True
            )
            if state is TaskState.FAILED:
                raise codes.error_for(progress.status, progress.message, call="detectDocPage")
            if progress.status == codes.PAGES_COUNTED and progress.pages:
                counted.append(progress.pages)
                return TaskStatus(state=TaskState.DONE, pages=progress.pages)
            return TaskStatus(state=TaskState.RUNNING, message="page count still running")

        # The core's poller, not a loop of our own (a timeout there says "still running").
        wait_for(
            fetch,
            interval=self.settings.wait_interval,
            max_interval=30.0,
            timeout=self.settings.wait_timeout,
        )
        return PageCount(pages=counted[-1], task_id=task_id)

    @staticmethod
    def _submission(request: DocumentRequest) -> DocumentSubmission:
        options = request.options
        return DocumentSubmission(
            target=provider_code(request.target),
            source=provider_code(request.source) if request.source else None,
            industry=industry_id(options.industry) if options.industry else None,
            translate_images=options.translate_images,
            all_sheets=options.all_sheets,
            bilingual=options.bilingual,
        )

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The declarations, with the two-step submit explained."""
        data = super().describe()
        data["idempotent_submit"] = "when two_step is on (TRANSHUB_FANYIGOU_TWO_STEP)"
        return data


class FanyigouConverter(DocumentConverter[FanyigouSettings, FanyigouClient]):
    """Converts documents: ``convert``, ``queryTransProgress``, ``downloadFile`` (dtype 6)."""

    provider = FANYIGOU
    limits = CONVERSIONS
    #: The source language is only needed for scans.
    languages: ClassVar[LanguageSupport] = DOCUMENT_LANGUAGES
    conversions: ClassVar[dict[ConvertFormat, frozenset[str]]] = {
        ConvertFormat.WORD: frozenset({"pdf"}),
        ConvertFormat.EXCEL: frozenset({"pdf"}),
        ConvertFormat.PPTX: frozenset({"pdf"}),
        ConvertFormat.OFD: frozenset({"pdf"}),
        ConvertFormat.PDF: CONVERSION_EXTENSIONS - {"pdf"},
    }

    def submit(self, path: Path, target_format: ConvertFormat, source_language: str | None) -> str:
        """Start the conversion; returns the task id."""
        source = provider_code(source_language) if source_language else None
        return self.client.convert(path, target_format.value, source)

    def status(self, task_id: str) -> TaskStatus:
        """The conversion's state (a recorded callback, else ``queryTransProgress``)."""
        recorded = awaited_callback(self.client, self.settings, task_id)
        if recorded is not None:
            return recorded

        def fetch() -> TaskStatus:
            progress = self.client.query_progress(task_id)
            return task_status(progress, call="queryTransProgress", counted_is_queued=False)

        return tracked(self.tasks, task_id, fetch)

    def download(self, task_id: str, destination: Path) -> SavedDocument:
        """``downloadFile`` with ``dtype`` 6."""
        return saved_document(self.client.download_file(task_id, DTYPE_CONVERTED, destination))
