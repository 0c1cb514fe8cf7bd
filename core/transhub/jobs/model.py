"""The job model: one state vocabulary for jobs and items, and their records.

A *job* is one remote task (a document, a conversion, or one task of an image
batch); its *items* are the inputs it carries, each with its own status and saved
files.  See ``docs/jobs.md`` for the state diagram and how claims work.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from transhub.capabilities.kinds import Capability

if TYPE_CHECKING:
    from transhub.jobs.requests import JobRequest


class JobState(str, enum.Enum):
    """Where a job stands.

    ``submitting`` is written before the request that may start a paid task; the
    job's ``sending_at`` says whether that request has left (then the job "may have
    been submitted" if nothing more is known).
    """

    SUBMITTING = "submitting"
    RUNNING = "running"
    FINISHED = "finished"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        """Whether resume has nothing left to do."""
        return self in FINAL_STATES

    def __str__(self) -> str:
        return self.value


#: States in which a job still has work to do (and an owner doing it).
LIVE_STATES = (JobState.SUBMITTING, JobState.RUNNING, JobState.FINISHED)
FINAL_STATES = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.EXPIRED})


class ItemStatus(str, enum.Enum):
    """Where one input of a job stands (``reused``: copied from identical work)."""

    PENDING = "pending"
    COMPLETED = "completed"
    REUSED = "reused"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class Item:
    """One input of a job."""

    position: int
    input: str
    fingerprint: str
    plan: dict[str, str]
    input_size: int | None = None
    input_sha256: str | None = None
    state: ItemStatus = ItemStatus.PENDING
    code: str | None = None
    message: str = ""
    artifacts: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Not recorded: the same work's fingerprints at the later candidates, which a
    #: claim looks at in order after ``fingerprint`` (see transhub.jobs.fallback).
    alternates: tuple[str, ...] = ()


@dataclass
class Job:
    """One remote task and its items, as recorded."""

    id: str
    provider: str
    capability: Capability
    state: JobState
    request: JobRequest
    items: list[Item]
    created_at: str = ""
    updated_at: str = ""
    task_id: str | None = None
    prepared_task_id: str | None = None
    percent: float | None = None
    pages: int | None = None
    message: str = ""
    error: str | None = None
    error_kind: str | None = None
    submitted_at: str | None = None
    finished_at: str | None = None
    owner: str | None = None
    lease_until: float | None = None
    sending_at: str | None = None
    batch_id: str | None = None
    billed_characters: int | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def may_have_been_submitted(self) -> bool:
        """Left in ``submitting`` after the paid request was sent: its fate is unknown."""
        return self.state is JobState.SUBMITTING and self.sending_at is not None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``jobs show --json``), in the shared vocabulary."""
        data = {k: v for k, v in self.__dict__.items() if k not in ("items", "id")}
        data = {"job_id": self.id, **data}
        data["state"] = self.state.value
        data["request"] = self.request.model_dump(mode="json")
        data["items"] = [
            {
                ("status" if k == "state" else k): v.value if k == "state" else v
                for k, v in item.__dict__.items()
                if k != "alternates"  # not recorded: the claim's look-ahead only
            }
            for item in self.items
        ]
        return data
