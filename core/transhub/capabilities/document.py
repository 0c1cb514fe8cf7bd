"""Document translation, page counting and format conversion.

The core drives a remote document task in three steps — :meth:`submit`,
:meth:`status` (polled, or woken by a callback), :meth:`download` — and records each
step in the job journal, so an implementation only speaks the provider's protocol.
Input files have already been checked against :attr:`DocumentTranslator.limits`
when a method is called.
"""

from __future__ import annotations

import enum
from abc import abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from transhub.capabilities.base import (
    ClientT,
    FileLimits,
    Implementation,
    LanguageSupport,
    Model,
    SettingsT,
    TaskStatus,
)
from transhub.capabilities.kinds import Capability


class OutputKind(str, enum.Enum):
    """What form a translated document is downloaded in."""

    SAME = "same"
    """The input's own kind (a .docx comes back as .docx)."""
    PDF = "pdf"
    """A PDF rendering of the translation."""


class DocumentOptions(Model):
    """Provider-neutral translation options; a provider ignores none silently:
    an option it cannot honour is rejected by the core before submitting."""

    industry: str | None = Field(
        default=None, description="Subject area, by the provider's name or number."
    )
    bilingual: bool = Field(default=False, description="Original and translation side by side.")
    translate_images: bool = Field(default=False, description="Also translate text inside images.")
    all_sheets: bool = Field(
        default=False, description="Spreadsheets: every sheet, not only the open one."
    )
    formality: str | None = Field(
        default=None,
        description="Formal or informal address: more, less, prefer_more, prefer_less.",
    )
    glossary_id: str | None = Field(
        default=None,
        description="A glossary the provider stores (see transhub.glossaries.ensure_glossary).",
    )
    output_format: str | None = Field(
        default=None,
        description="Deliver the translation as this extension (e.g. docx for a PDF), "
        "where the provider converts (DocumentTranslator.output_formats).",
    )


class DocumentRequest(Model):
    """One document to translate."""

    path: Path
    target: str
    source: str | None = None
    # A factory, not an instance: building one at import would undo the deferred build.
    options: DocumentOptions = Field(default_factory=DocumentOptions)
    prepared_task_id: str | None = Field(
        default=None,
        description="A task id from count_pages to translate without uploading again.",
    )
    glossary_digest: str | None = Field(
        default=None,
        description="The content hash of the glossary file behind options.glossary_id "
        "(what the reuse fingerprint holds instead of the provider's id).",
    )


class PageCount(Model):
    """A page estimate.  ``task_id`` is set when the provider keeps the upload so
    that :meth:`DocumentTranslator.submit` can translate it without sending it again."""

    pages: int
    task_id: str | None = None
    exact: bool = True
    #: The characters the provider would bill, for providers that bill characters
    #: (minimums included), when it can be estimated before paying.
    characters: int | None = None


class SavedDocument(Model):
    """A result written to disk by :meth:`DocumentTranslator.download`."""

    path: Path
    size: int
    sha256: str
    detected_language: str | None = None


class DocumentTranslator(Implementation[SettingsT, ClientT]):
    """Translates documents.  Register with ``register_document_translators``."""

    capability: ClassVar[Capability] = Capability.DOCUMENT
    languages: ClassVar[LanguageSupport]
    limits: ClassVar[FileLimits]
    #: Options from :class:`DocumentOptions` this provider honours.
    options: ClassVar[frozenset[str]] = frozenset()
    #: The output kinds :meth:`download` can produce.
    outputs: ClassVar[frozenset[OutputKind]] = frozenset({OutputKind.SAME})
    #: The input extensions whose translation can be downloaded as PDF (``None``: all
    #: accepted inputs), so an impossible ``--pdf`` is refused before paying.
    pdf_from: ClassVar[frozenset[str] | None] = None
    #: Whether :meth:`count_pages` gives the provider's own estimate — asked of the
    #: provider, or computed by its billing rules (else the core counts locally).
    counts_pages: ClassVar[bool] = False
    #: Whether the provider still holds the result after it was downloaded once
    #: (``False``: a download interrupted after the provider released the result
    #: cannot be repeated; the translation must be paid again).
    result_kept_after_download: ClassVar[bool] = True
    #: Input extension → the extensions ``options.output_format`` may ask for.
    output_formats: ClassVar[dict[str, frozenset[str]]] = {}
    #: Input extension → the extension of the result when it differs (``doc`` → ``docx``).
    result_extensions: ClassVar[dict[str, str]] = {}
    #: Whether a resubmit of a task id known before paying is refused by the provider
    #: instead of charged twice (so the journal may resume a half-sent submit safely).
    idempotent_submit: ClassVar[bool] = False
    #: Industries by canonical name → the provider's value (empty: option not offered).
    industries: ClassVar[dict[str, str]] = {}

    @abstractmethod
    def submit(self, request: DocumentRequest) -> str:
        """Start translating; return the provider's task id.  May charge."""

    @abstractmethod
    def status(self, task_id: str) -> TaskStatus:
        """Report the task's state (never charges)."""

    @abstractmethod
    def download(self, task_id: str, destination: Path, kind: OutputKind) -> SavedDocument:
        """Write the finished result to ``destination`` atomically (the core has chosen
        the path and settled whether it may be replaced: pass ``overwrite=True`` to
        :meth:`~transhub.http.HttpClient.save`)."""

    def count_pages(self, path: Path) -> PageCount:
        """Ask the provider how many pages it would charge for ``path``."""
        raise NotImplementedError(f"{self.provider.name} does not count pages")

    @classmethod
    def describe(cls) -> dict[str, Any]:
        data = super().describe()
        data.update(
            extensions=sorted(cls.limits.extensions),
            max_bytes=cls.limits.max_bytes,
            options=sorted(cls.options),
            outputs=sorted(o.value for o in cls.outputs),
            counts_pages=cls.counts_pages,
            result_kept_after_download=cls.result_kept_after_download,
        )
        return data


class ConvertFormat(str, enum.Enum):
    """Document formats a conversion can produce."""

    PDF = "pdf"
    WORD = "word"
    EXCEL = "excel"
    PPTX = "pptx"
    OFD = "ofd"

    @property
    def extension(self) -> str:
        """The file extension of this format, without the dot."""
        return {"pdf": "pdf", "word": "docx", "excel": "xlsx", "pptx": "pptx", "ofd": "ofd"}[
            self.value
        ]


class DocumentConverter(Implementation[SettingsT, ClientT]):
    """Converts documents between formats.  Register with ``register_document_converters``."""

    capability: ClassVar[Capability] = Capability.CONVERT
    limits: ClassVar[FileLimits]
    #: For each output format, the input extensions that can be converted to it.
    conversions: ClassVar[dict[ConvertFormat, frozenset[str]]]

    @abstractmethod
    def submit(self, path: Path, target_format: ConvertFormat, source_language: str | None) -> str:
        """Start the conversion; return the provider's task id.  May charge."""

    @abstractmethod
    def status(self, task_id: str) -> TaskStatus:
        """Report the task's state."""

    @abstractmethod
    def download(self, task_id: str, destination: Path) -> SavedDocument:
        """Write the converted document to ``destination`` atomically (as above)."""

    @classmethod
    def describe(cls) -> dict[str, Any]:
        data = super().describe()
        data.update(
            conversions={f.value: sorted(exts) for f, exts in cls.conversions.items()},
            max_bytes=cls.limits.max_bytes,
        )
        return data
