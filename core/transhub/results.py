"""What the Python API returns: one model per kind of outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from transhub.capabilities.base import Model, TaskState
from transhub.capabilities.document import DocumentRequest


class DocumentResult(Model):
    """The outcome of one document translation or conversion."""

    input: Path
    output: Path
    provider: str
    task_id: str
    job: str = ""
    state: TaskState = TaskState.DONE
    pages: int | None = None
    sha256: str = ""
    detected_language: str | None = None
    reused: bool = False


class ImageOutcome(Model):
    """The outcome for one input image: its saved artifacts, or why it failed."""

    source: str
    provider: str
    job: str | None = None
    task_id: str | None = None
    success: bool
    reused: bool = False
    code: str | None = None
    message: str = ""
    outputs: dict[str, Path] = Field(default_factory=dict)


class Quote(Model):
    """A page estimate for one prepared document translation."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    provider: str
    pages: int
    exact: bool
    prepared: tuple[Any, DocumentRequest, Path]
    #: The characters the provider would bill, where it bills characters (DeepL).
    characters: int | None = None


class ProviderStatus(Model):
    """A provider as ``transhub providers`` shows it."""

    name: str
    title: str
    plugin: str
    version: str | None
    capabilities: tuple[str, ...]
    configured: bool
    missing: tuple[str, ...] = ()
