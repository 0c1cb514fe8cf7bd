"""Image translation: a batch of images (local files or URLs), one result per image.

The core splits a batch into remote tasks of at most :attr:`ImageTranslator.max_per_task`
images, submits them concurrently, polls them, and downloads every artifact of every
successful image at once; it merges the results back in input order.  An
implementation only submits one task, reports its status and downloads one artifact.
"""

from __future__ import annotations

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


class ImageSource(Model):
    """One image to translate: a local file or an http(s) URL (exactly one)."""

    path: Path | None = None
    url: str | None = None

    @property
    def label(self) -> str:
        """How the image is named in output."""
        return self.url if self.url is not None else str(self.path)


class ImageOptions(Model):
    """Provider-neutral image options."""

    field: str | None = None
    editor_data: bool = False
    ignore_entity: bool = False


class ImageItem(Model):
    """The outcome for one image of a task.

    ``artifacts`` maps an artifact name (``image``, ``inpainting``, ``template``) to
    the reference :meth:`ImageTranslator.download` needs (a URL, or the task id).
    """

    source: ImageSource
    success: bool
    code: str | None = None
    message: str = ""
    artifacts: dict[str, str] = Field(default_factory=dict)


class ImageTaskStatus(TaskStatus):
    """A task's status with one item per image once it is done."""

    items: tuple[ImageItem, ...] = ()


class ImageTranslator(Implementation[SettingsT, ClientT]):
    """Translates images.  Register with ``register_image_translators``."""

    capability: ClassVar[Capability] = Capability.IMAGE
    languages: ClassVar[LanguageSupport]
    #: Limits on local files; ``None`` when the provider takes URLs only.
    limits: ClassVar[FileLimits | None]
    accepts_files: ClassVar[bool] = True
    accepts_urls: ClassVar[bool] = False
    #: How many images one remote task takes.
    max_per_task: ClassVar[int] = 1
    #: Options from :class:`ImageOptions` this provider honours, and allowed ``field`` values.
    options: ClassVar[frozenset[str]] = frozenset()
    fields: ClassVar[frozenset[str]] = frozenset()
    #: Whether a repeated submit of the same content is processed once.
    idempotent_submit: ClassVar[bool] = False
    #: Seconds during which a repeated submit is recognised (``None``: always); after
    #: it, resuming a submit of unknown fate needs ``--resubmit``.
    idempotency_window: ClassVar[float | None] = None
    #: Seconds a finished result stays downloadable (``None``: no known limit).
    result_ttl: ClassVar[float | None] = None

    @abstractmethod
    def submit(
        self,
        images: list[ImageSource],
        target: str,
        source: str | None,
        options: ImageOptions,
    ) -> str:
        """Start one task for ``images`` (at most :attr:`max_per_task`); return its id."""

    @abstractmethod
    def status(self, task_id: str, images: list[ImageSource]) -> ImageTaskStatus:
        """Report the task; when done, one :class:`ImageItem` per image, in order."""

    @abstractmethod
    def download(self, task_id: str, item: ImageItem, artifact: str, destination: Path) -> Path:
        """Write one artifact of a successful image to ``destination`` atomically."""

    @classmethod
    def describe(cls) -> dict[str, Any]:
        data = super().describe()
        data.update(
            accepts_files=cls.accepts_files,
            accepts_urls=cls.accepts_urls,
            max_per_task=cls.max_per_task,
            extensions=sorted(cls.limits.extensions) if cls.limits else [],
        )
        return data
