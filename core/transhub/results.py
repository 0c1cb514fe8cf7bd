"""What the Python API returns: one model per kind of outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, computed_field

from transhub.capabilities.base import Model


class DocumentResult(Model):
    """The outcome of one document translation or conversion.  ``status`` is
    ``completed`` (translated by this run) or ``reused`` (copied from identical work)."""

    input: Path
    output: Path
    provider: str
    task_id: str
    job_id: str = ""
    pages: int | None = None
    #: The characters the provider billed, where it reports them (DeepL).
    billed_characters: int | None = None
    sha256: str = ""
    detected_language: str | None = None
    reused: bool = False

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> str:
        """``completed`` or ``reused``."""
        return "reused" if self.reused else "completed"


class ImageOutcome(Model):
    """The outcome for one input image: its saved artifacts, or why it failed.
    ``status`` is ``completed``, ``reused`` or ``failed``; ``error_kind`` names the
    class of a failure (its exit code, see :data:`transhub.errors.EXIT_CODES`)."""

    input: str
    provider: str
    job_id: str | None = None
    task_id: str | None = None
    success: bool
    reused: bool = False
    code: str | None = None
    message: str = ""
    error_kind: str | None = None
    outputs: dict[str, Path] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> str:
        """``completed``, ``reused`` or ``failed``."""
        if not self.success:
            return "failed"
        return "reused" if self.reused else "completed"


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
