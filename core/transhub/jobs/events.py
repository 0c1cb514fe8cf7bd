"""What a running batch reports (:class:`~transhub.jobs.batch.BatchRunner`'s
``on_event``), and what it returns: one :class:`ItemFinished` per input, in input order.

The CLI renders these (the progress board, notes, records); a script may do the same or
ignore them.  Events may arrive from worker threads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from transhub.counts import counted, in_unit

if TYPE_CHECKING:
    from transhub.capabilities.account import Balance
    from transhub.errors import TranshubError
    from transhub.results import DocumentResult, ImageOutcome


@dataclass(frozen=True)
class Capped:
    """``jobs`` was more than a provider allows at once (emitted once per batch).  The
    CLI says it only when ``-j`` was given — the default of 4 is no request to cap —
    and never under ``-q``."""

    requested: int
    allowed: int
    provider: str

    @property
    def message(self) -> str:
        """``-j 3 capped to 1: fanyigou allows 1 channel``."""
        return (
            f"-j {self.requested} capped to {self.allowed}: "
            f"{self.provider} allows {counted(self.allowed, 'channel')}"
        )


@dataclass(frozen=True)
class Estimated:
    """The budget guard's estimate for one provider, and its balance (``None``: the
    provider reports none)."""

    provider: str
    pages: int
    balance: Balance | None
    characters: int | None = None
    images: int | None = None

    @property
    def message(self) -> str:
        """``echo: estimate 6 pages; balance 100 pages``."""
        if self.images is not None:
            estimate = counted(self.images, "image")
        else:
            estimate = counted(self.pages, "page")
            if self.characters:
                estimate += ", " + counted(self.characters, "billed character")
        shown = in_unit(self.balance.balance, self.balance.unit) if self.balance else "unknown"
        return f"{self.provider}: estimate {estimate}; balance {shown}"


@dataclass(frozen=True)
class TaskUpdate:
    """A running task's state changed: ``key`` names the task (a line of the board),
    ``label`` what it works on, ``order`` where its first input stands in the batch.
    ``state`` is ``starting``, a task state, or what it waits for."""

    key: str
    label: str
    order: int
    state: str
    percent: float | None = None


@dataclass(frozen=True)
class TaskEnded:
    """A task's line is done (its inputs follow as :class:`ItemFinished`)."""

    key: str


@dataclass(frozen=True)
class ItemFinished:
    """One input's outcome: ``result`` (a :class:`~transhub.results.DocumentResult` or
    an :class:`~transhub.results.ImageOutcome`), or the ``error`` it ended with —
    refused at validation, or failed.  ``index`` is its place in the batch."""

    index: int
    input: str
    provider: str | None
    result: DocumentResult | ImageOutcome | None = None
    error: TranshubError | None = None

    @property
    def status(self) -> str:
        """``completed``, ``reused`` or ``failed``."""
        if self.error is not None or self.result is None:
            return "failed"
        return str(self.result.status)

    @property
    def error_kind(self) -> str | None:
        """The class of a failure (its exit code: :data:`transhub.errors.EXIT_CODES`)."""
        if self.error is not None:
            return self.error.kind
        return getattr(self.result, "error_kind", None)


BatchEvent = Capped | Estimated | TaskUpdate | TaskEnded | ItemFinished
