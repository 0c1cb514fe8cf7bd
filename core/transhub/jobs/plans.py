"""Plans: validated, routed work that nothing has been sent for yet.

``Hub.prepare_*`` returns a plan — the implementation that will serve it, the request,
where each result goes, and the fingerprint that makes two plans the same work — and
:class:`transhub.jobs.batch.BatchRunner` executes plans of every capability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from transhub.capabilities.document import (
    ConvertFormat,
    DocumentConverter,
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
)
from transhub.capabilities.image import ImageOptions, ImageSource, ImageTranslator
from transhub.capabilities.kinds import Capability
from transhub.errors import TranshubError
from transhub.files import file_digest


@dataclass(frozen=True)
class DocumentPlan:
    """One document translation, validated and routed."""

    capability: ClassVar[Capability] = Capability.DOCUMENT

    implementation: type[DocumentTranslator[Any, Any]]
    request: DocumentRequest
    destination: Path
    kind: OutputKind = OutputKind.SAME
    overwrite: bool = False
    #: The other candidates in routing order, and whether the job may move to them
    #: when the provider refuses it before any payment (see transhub.jobs.fallback).
    alternatives: tuple[str, ...] = ()
    fallback: bool = False
    #: The glossary file the request's glossary was made from (read again on a move).
    glossary_file: str | None = None

    @property
    def provider(self) -> str:
        """The provider that will serve it."""
        return self.implementation.provider.name

    @property
    def fallbacks(self) -> tuple[str, ...]:
        """The candidates the job may move to (none without fallback)."""
        return self.alternatives if self.fallback else ()

    @cached_property
    def resolved_path(self) -> Path:
        """The input's real path (symlinks followed), resolved once per plan: the
        batch's checks, the journal and the driver all use it (issue 17)."""
        return self.request.path.resolve()

    @cached_property
    def resolved_destination(self) -> Path:
        """Where the result goes, resolved once per plan (see :attr:`resolved_path`)."""
        return self.destination.resolve()

    @cached_property
    def fingerprint(self) -> str:
        """What makes two document translations the same work: at the provider that
        will serve it (never the chain of candidates)."""
        from transhub.jobs.drivers.documents import document_fingerprint

        return document_fingerprint(self.provider, self.request, self.kind)

    @cached_property
    def alternate_fingerprints(self) -> tuple[str, ...]:
        """The same work at each candidate the job may move to, in order: reuse looks
        at them too before anything is sent, so work another candidate did (or is
        doing) is never paid again."""
        from transhub.jobs.drivers.documents import document_fingerprint

        if not self.fallbacks:
            return ()  # no other candidate: not even a look at the file
        digest = file_digest(self.resolved_path)
        return tuple(
            document_fingerprint(name, self.request, self.kind, digest) for name in self.fallbacks
        )

    def with_prepared_task(self, task_id: str) -> DocumentPlan:
        """The same plan translating an upload the provider keeps (from its page count)."""
        request = self.request.model_copy(update={"prepared_task_id": task_id})
        return replace(self, request=request)


@dataclass(frozen=True)
class ConvertPlan:
    """One format conversion, validated and routed."""

    capability: ClassVar[Capability] = Capability.CONVERT

    implementation: type[DocumentConverter[Any, Any]]
    path: Path
    format: ConvertFormat
    source: str | None
    destination: Path
    overwrite: bool = False

    @property
    def provider(self) -> str:
        """The provider that will serve it."""
        return self.implementation.provider.name

    @cached_property
    def resolved_path(self) -> Path:
        """The input's real path, resolved once per plan (as :class:`DocumentPlan`)."""
        return self.path.resolve()

    @cached_property
    def resolved_destination(self) -> Path:
        """Where the result goes, resolved once per plan."""
        return self.destination.resolve()


@dataclass(frozen=True)
class ImagePlan:
    """An image batch, validated and routed: every input in input order (a repeat
    kept, translated once), each distinct image's output stem, and — with
    ``keep_going`` — the inputs refused at validation, with why."""

    capability: ClassVar[Capability] = Capability.IMAGE

    implementation: type[ImageTranslator[Any, Any]]
    inputs: tuple[ImageSource, ...]
    target: str
    source: str | None
    options: ImageOptions
    output_dir: Path
    stems: Mapping[ImageSource, str] = field(default_factory=dict, compare=False)
    overwrite: bool = False
    refused: Mapping[ImageSource, TranshubError] = field(default_factory=dict, compare=False)
    #: The other candidates in routing order, and whether a task may move to them
    #: when the provider refuses it before any payment (see transhub.jobs.fallback).
    alternatives: tuple[str, ...] = ()
    fallback: bool = False

    @property
    def provider(self) -> str:
        """The provider that will serve it."""
        return self.implementation.provider.name

    @property
    def chain(self) -> tuple[str, ...]:
        """The provider, then the other candidates in routing order.  Claims look at
        the same work at each of them before sending, with or without fallback (an
        image translated at another candidate — say a task moved there by an earlier
        ``--fallback`` — is reused, waited for or adopted, never paid again); tasks
        move to them only with ``fallback``."""
        return (self.provider, *self.alternatives)

    @property
    def images(self) -> list[ImageSource]:
        """The distinct images to translate, in input order."""
        return [s for s in dict.fromkeys(self.inputs) if s not in self.refused]


Plan = DocumentPlan | ConvertPlan | ImagePlan
