"""What every capability shares: the provider description, declared languages and
limits, remote task states, and the base class of an implementation.

A provider plugin describes its service once with a :class:`ProviderInfo` and writes
one class per capability it offers, deriving from that capability's base class
(:class:`~transhub.capabilities.document.DocumentTranslator`, …).  What the
implementation supports is declared as class attributes — data the core reads to
route requests and to validate input before any request is sent — and its methods
hold only the provider's wire protocol.  Waiting for a task, retrying a refusal and
remembering which tasks transhub submitted are the core's
(:mod:`transhub.polling`, :mod:`transhub.retrying`, :mod:`transhub.capabilities.tasks`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from transhub.capabilities.kinds import Capability
from transhub.capabilities.tasks import TaskMemory

if TYPE_CHECKING:
    from transhub.http import HttpClient
    from transhub.settings import ProviderSettings


@dataclass(frozen=True)
class FileLimits:
    """What a provider accepts as an input file, checked before anything is sent.

    ``extensions`` are lower-case, without the dot.  Pixel bounds apply to images;
    ``max_aspect_ratio`` is exclusive (10.0 means "below 10:1").
    """

    extensions: frozenset[str]
    max_bytes: int
    min_bytes: int = 1
    min_pixels: int | None = None
    max_pixels: int | None = None
    max_aspect_ratio: float | None = None
    allow_encrypted: bool = False

    @property
    def is_image(self) -> bool:
        """Whether pixel limits apply."""
        return self.min_pixels is not None or self.max_pixels is not None


@dataclass(frozen=True)
class LanguageSupport:
    """The languages an implementation offers, in canonical (BCP 47 style) codes.

    ``codes`` maps each canonical code the provider knows to the provider's own
    code.  ``sources`` and ``targets`` restrict the directions; ``pairs``, when
    given, lists the only allowed (source, target) pairs.  ``auto_detect`` says
    whether the source may be omitted.
    """

    codes: Mapping[str, str]
    sources: frozenset[str] | None = None
    targets: frozenset[str] | None = None
    pairs: frozenset[tuple[str, str]] | None = None
    auto_detect: bool = True

    def source_codes(self) -> frozenset[str]:
        """Canonical codes accepted as a source language."""
        if self.pairs is not None:
            return frozenset(s for s, _ in self.pairs)
        return self.sources if self.sources is not None else frozenset(self.codes)

    def target_codes(self) -> frozenset[str]:
        """Canonical codes accepted as a target language."""
        if self.pairs is not None:
            return frozenset(t for _, t in self.pairs)
        return self.targets if self.targets is not None else frozenset(self.codes)

    def supports(self, source: str | None, target: str | None) -> bool:
        """Whether this direction is offered (``None`` source means detect)."""
        if source is None and not self.auto_detect:
            return False
        if target is not None and target not in self.target_codes():
            return False
        if source is not None and source not in self.source_codes():
            return False
        if self.pairs is not None and source is not None and target is not None:
            return (source, target) in self.pairs
        return True

    def provider_code(self, canonical: str) -> str:
        """The provider's own code for a canonical one."""
        return self.codes[canonical]

    def canonical_code(self, provider_code: str) -> str | None:
        """The canonical code for one of the provider's own codes, if known."""
        for canonical, own in self.codes.items():
            if own == provider_code:
                return canonical
        return None


class TaskState(str, enum.Enum):
    """Where a remote task stands.  ``DONE``, ``FAILED`` and ``EXPIRED`` are final."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        """Whether the task will not change any more."""
        return self in (TaskState.DONE, TaskState.FAILED, TaskState.EXPIRED)

    def __str__(self) -> str:
        return self.value


class Model(BaseModel):
    """Base of the capability models: immutable, and strict about unknown fields."""

    # defer_build: schemas are built on first use, not at import (start-up stays fast).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class TaskStatus(Model):
    """A remote task's progress as the provider reports it."""

    state: TaskState
    percent: float | None = None
    pages: int | None = None
    message: str = ""
    code: str | None = None
    detected_language: str | None = None
    #: The characters the provider billed for the task, where it reports them.
    billed_characters: int | None = None
    #: The provider's estimate of the seconds left, where it reports one.
    seconds_remaining: float | None = None


SettingsT = TypeVar("SettingsT", bound="ProviderSettings")
ClientT = TypeVar("ClientT")


@dataclass(frozen=True)
class ProviderInfo(Generic[SettingsT, ClientT]):
    """A provider's identity and how to build its API client.

    ``connect`` is called once per process for a configured provider, with its
    validated settings and the provider's :class:`~transhub.http.HttpClient`; the
    client it returns is shared by all of the provider's capability objects.
    ``secret_fields`` names the settings that must never be shown; ``inspect``, when
    given, adds the provider's own findings to ``providers --doctor``.
    """

    name: str
    title: str
    settings: type[SettingsT]
    connect: Callable[[SettingsT, HttpClient], ClientT]
    homepage: str = ""
    docs: str = ""
    max_concurrent_tasks: Callable[[SettingsT], int] = field(default=lambda _settings: 4)
    #: The account's public identity (an app id, an access key id; never a secret):
    #: tasks of one account share its channels across every process using the journal.
    #: ``None``: every use of the provider counts as one account.
    account: Callable[[SettingsT], str] | None = None
    #: What the provider can tell ``providers --doctor`` about its own installation
    #: (bundled models and data, programs it runs) without contacting any service:
    #: ``(check, ok, detail)`` triples, the detail naming what is missing and how to
    #: install it.
    inspect: Callable[[], Iterable[tuple[str, bool, str]]] | None = None


@dataclass
class ProviderContext(Generic[SettingsT, ClientT]):
    """What the core hands to an implementation: the provider's settings and client,
    and what the core knows of the provider's remote tasks (:class:`TaskMemory`,
    shared by the provider's capabilities)."""

    info: ProviderInfo[SettingsT, ClientT]
    settings: SettingsT
    http: HttpClient
    client: ClientT
    tasks: TaskMemory = field(default_factory=TaskMemory)


class Implementation(Generic[SettingsT, ClientT]):
    """Base of every capability implementation.

    Subclasses set :attr:`provider` (and the capability's own declarations) as class
    attributes.  The core instantiates them lazily, once per process, with the
    provider's :class:`ProviderContext`.
    """

    capability: ClassVar[Capability]
    provider: ClassVar[ProviderInfo[Any, Any]]

    def __init__(self, context: ProviderContext[SettingsT, ClientT]) -> None:
        self.context = context

    @property
    def client(self) -> ClientT:
        """The provider's API client, shared by all its capabilities."""
        return self.context.client

    @property
    def settings(self) -> SettingsT:
        """The provider's validated settings."""
        return self.context.settings

    @property
    def tasks(self) -> TaskMemory:
        """What the core knows of the provider's remote tasks: which ones transhub
        submitted and when, and when each was first seen finished — in this process
        or, handed back from the job journal, in an earlier one.  The core writes it;
        read it where the service answers "no such task" to tell an expired result
        from a wrong id (see :mod:`transhub.capabilities.tasks`)."""
        return self.context.tasks

    def refresh_languages(self) -> bool:
        """Fetch the provider's current language lists, where it publishes them, into
        the cache the declarations read (``transhub languages --refresh``); return
        whether anything was fetched.  The default fetches nothing."""
        return False

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The declarations of this implementation, as JSON-ready data."""
        return {"capability": cls.capability.value, "provider": cls.provider.name}
