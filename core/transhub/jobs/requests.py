"""What a job asks the provider for: one pydantic model per capability with remote
tasks, discriminated by ``capability`` in the journal's ``jobs.request`` column.

A request holds everything a later process needs to take the job from its recorded
state to completed — the input, the languages, the options, where results go — and
nothing secret.  :func:`request_json` is what the journal writes and
:func:`parse_request` what it reads back; rows written before the discriminator was
recorded get it from the job's ``capability`` column, and keys no model knows (any
more) are ignored, so an old journal stays readable.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from transhub.capabilities.document import (
    ConvertFormat,
    DocumentOptions,
    DocumentRequest,
    OutputKind,
)
from transhub.capabilities.image import ImageOptions
from transhub.errors import TranshubError


def _known_options(model: type[BaseModel], value: Any) -> Any:
    """Options as recorded, without the keys ``model`` does not know (an option a
    later version dropped must not make an old job unreadable)."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k in model.model_fields}
    return value


class _Request(BaseModel):
    # Unknown keys are ignored: rows of older versions carry keys we no longer read.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    #: Whether the job may replace files at its destinations.
    overwrite: bool = False
    #: Submitted with ``--queue``: its inputs and results are in the results store,
    #: placed by the worker that adopts it (:mod:`transhub.cluster.placement`).
    queued: bool = False


class FallbackSpec(BaseModel):
    """Where a document or image job may move when its provider refuses it before any payment
    (:mod:`transhub.jobs.fallback`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    #: Whether to move at all (``--fallback``); off, ``next`` only names them in a hint.
    enabled: bool = False
    #: The candidates still to try, in routing order.
    next: tuple[str, ...] = ()


class DocumentJobRequest(_Request):
    """A document translation: the file, languages, options and the output's form."""

    capability: Literal["document"] = "document"
    path: Path
    target: str
    source: str | None = None
    options: DocumentOptions = Field(default_factory=DocumentOptions)
    #: The form the translation is downloaded in.
    kind: OutputKind = OutputKind.SAME
    #: The upload the provider keeps (from its page count), translated without sending again.
    prepared_task_id: str | None = None
    #: The content hash of the glossary file behind ``options.glossary_id``.
    glossary_digest: str | None = None
    #: The glossary file itself (a fallback provider makes its own glossary of it).
    glossary_file: str | None = None
    fallback: FallbackSpec = Field(default_factory=FallbackSpec)

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        return _known_options(DocumentOptions, value)

    def document(self, prepared_task_id: str | None = None) -> DocumentRequest:
        """What the provider's :meth:`~transhub.capabilities.document.DocumentTranslator.submit`
        takes (``prepared_task_id``: the journal's, when it knows a newer one)."""
        return DocumentRequest(
            path=self.path,
            target=self.target,
            source=self.source,
            options=self.options,
            prepared_task_id=prepared_task_id or self.prepared_task_id,
            glossary_digest=self.glossary_digest,
        )


class ConvertJobRequest(_Request):
    """A format conversion: the file, the format wanted, the source language."""

    capability: Literal["convert"] = "convert"
    path: Path
    format: ConvertFormat
    source: str | None = None


class ImageJobRequest(_Request):
    """One task of an image batch: languages, options and the folder results go to
    (the images themselves are the job's items)."""

    capability: Literal["image"] = "image"
    target: str
    source: str | None = None
    options: ImageOptions = Field(default_factory=ImageOptions)
    #: The folder results go to; ``None`` for a queued job until a worker places it.
    output_dir: Path | None
    fallback: FallbackSpec = Field(default_factory=FallbackSpec)

    @property
    def folder(self) -> Path:
        """The folder results go to (a queued job is driven only once placed)."""
        if self.output_dir is None:
            raise RuntimeError("a queued image job has no results folder until a worker places it")
        return self.output_dir

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        return _known_options(ImageOptions, value)


JobRequest = Annotated[
    DocumentJobRequest | ConvertJobRequest | ImageJobRequest, Field(discriminator="capability")
]
"""A job's request, whichever its capability."""


@functools.cache
def _adapter() -> TypeAdapter[JobRequest]:
    # Built on first use: reading the journal's list stays light.
    return TypeAdapter(JobRequest)


def request_json(request: JobRequest) -> str:
    """The request as the journal stores it: its JSON, discriminator included.

    ``json.dumps`` of the JSON-mode dump rather than ``model_dump_json``: a file name
    that is not valid UTF-8 reaches Python with lone surrogates, which pydantic's
    serializer refuses and ``json.dumps`` escapes (``\\udce9``), reading back unchanged.
    """
    return json.dumps(request.model_dump(mode="json"), sort_keys=True)


def parse_request(job_id: str, capability: str, stored: str) -> JobRequest:
    """Job ``job_id``'s stored request as its model.  A row without the discriminator
    (written before it was recorded) is read as the job's ``capability``; a row that
    is not a request of any capability is an error naming the job."""
    try:
        data = json.loads(stored)
        if not isinstance(data, dict):
            raise ValueError(f"a JSON {type(data).__name__}, not an object")
        data.setdefault("capability", str(capability))
        return _adapter().validate_python(data)
    except (ValueError, ValidationError) as exc:  # ValidationError is a ValueError too
        problem = _first_problem(exc)
        raise TranshubError(
            f"job {job_id}: its recorded request cannot be read ({problem})",
            hint=f"`transhub jobs forget {job_id}` drops it from the journal",
        ) from None


def _first_problem(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "request"
        return f"{where}: {error['msg']}"
    return str(exc)
