"""What the Python API returns: one model per kind of outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from transhub.capabilities.base import Model, TaskState


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
    """A page estimate for one document plan (``prepared``: the plan to run, with the
    provider's kept upload attached where it counted the pages itself)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    provider: str
    pages: int
    exact: bool
    prepared: Any
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
