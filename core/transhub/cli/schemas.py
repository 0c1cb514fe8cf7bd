"""The shape of each command's ``--json`` output, as pydantic models.

The commands themselves print plain dicts or the Python API's models (listing
providers must not import pydantic); these models describe what they print, so the
documentation shows a JSON schema per command (generated from them) and the test
suite validates real output against them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from transhub.capabilities.account import Balance
from transhub.capabilities.dictionary import DictionaryEntry
from transhub.capabilities.ocr import OcrResult
from transhub.capabilities.text import TextResult
from transhub.jobs.model import ItemStatus, JobState
from transhub.jobs.requests import JobRequest


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderRecord(_Record):
    """One provider (``transhub providers``); a plugin that failed to load is listed
    with ``broken`` true and its ``error``."""

    name: str
    title: str
    plugin: str
    version: str | None
    capabilities: list[str]
    configured: bool
    missing: list[str] = Field(description="Unset required settings, as variable names.")
    broken: bool
    error: str | None


class FindingRecord(_Record):
    """One check of ``transhub providers --doctor``."""

    subject: str
    check: str
    ok: bool
    detail: str


class LanguageRecord(_Record):
    """One language code of one provider's capability (``transhub languages``)."""

    provider: str
    capability: str
    code: str = Field(description="The canonical code (BCP 47 style) --from and --to take.")
    name: str
    provider_code: str = Field(description="The provider's own code for it.")
    source: bool
    target: bool


class PageRecord(_Record):
    """The page estimate of one document (``transhub doc pages``)."""

    input: Path = Field(description="Absolute path.")
    pages: int
    exact: bool = Field(description="False when the count is a local estimate.")
    billed_characters: int | None = Field(
        description="Characters billed, minimums included, for providers that bill them "
        "(DeepL); null for the others."
    )


class SettingRecord(_Record):
    """One setting (``transhub config get KEY``)."""

    key: str
    value: Any = Field(description="The value in force (secrets masked), null when unset.")
    origin: str = Field(description="default, file, env <VARIABLE> or -c.")


class EmulatorRecord(_Record):
    """One running emulator (``transhub sandbox serve --json``)."""

    provider: str
    description: str
    url: str
    environment: dict[str, str] = Field(
        description="The variables that point a client at it (test credentials included)."
    )


#: An item's status in a batch (the same word in the table).
Status = Literal["completed", "reused", "failed"]


class DocumentItemRecord(_Record):
    """One input of a document batch (``doc translate``, ``doc convert``); the array
    is in input order (an input refused under --keep-going stands failed in its place)."""

    input: str = Field(description="The input's absolute path.")
    output: Path | None = Field(description="Absolute path of the result; null when failed.")
    job_id: str | None = Field(description="The journal's job (null when nothing was sent).")
    provider: str | None
    status: Status
    pages: int | None
    billed_characters: int | None = Field(
        description="Characters the provider billed for the job, where it reports them "
        "(DeepL); null otherwise."
    )
    code: str | None = Field(
        description="Why it failed: the provider's error code, else the class of problem "
        "(input, routing, job-failed…; an input refused under --keep-going says input)."
    )
    error: str | None


class ImageItemRecord(_Record):
    """One input of ``image translate``; the array is in input order (a repeated input
    is repeated; an input refused under --keep-going stands failed in its place)."""

    input: str = Field(description="The input: its absolute path, or the URL as given.")
    provider: str
    job_id: str | None
    task_id: str | None = Field(description="The provider's task.")
    status: Status
    code: str | None = Field(
        description="Why it failed: the provider's error code, else the class of problem."
    )
    error: str | None
    output: Path | None = Field(description="Absolute path of the translated image.")
    outputs: dict[str, Path] = Field(description="Every saved artifact → absolute path.")


class ResumedJobRecord(_Record):
    """One job ``jobs resume`` finished (or could not).  Without IDs it also runs
    interrupted batches again: their inputs' records (``doc translate``'s or
    ``image translate``'s) follow in the same array."""

    job_id: str
    state: str = Field(description="completed, failed, expired, …")
    outputs: list[Path] = Field(description="Absolute paths of the results.")
    error: str | None


class QueuedRecord(_Record):
    """One input of a batch submitted with ``--queue`` (``doc translate``, ``doc
    convert``, ``image translate``); the array is in input order.  An input whose work
    a job already holds (a duplicate, another submitter's, an earlier result) names
    that job."""

    input: str
    job_id: str
    provider: str
    capability: str = Field(description="document, convert or image.")
    state: str = Field(description="The job's state: submitting (queued), running, completed…")


class WaitedJobRecord(_Record):
    """One job ``jobs wait`` followed, in the order given, once it is final (or at
    ``--timeout``)."""

    job_id: str
    provider: str
    capability: str
    state: str = Field(description="completed, failed, expired; or still live after --timeout.")
    input: str | None = Field(description="The job's first input.")
    outputs: list[Path] = Field(description="Absolute paths of the results (in the store).")
    error: str | None


class JobItemRecord(_Record):
    """One input of a recorded job."""

    position: int
    input: str
    fingerprint: str
    plan: dict[str, str]
    input_size: int | None
    input_sha256: str | None
    status: ItemStatus = Field(description="pending, completed, reused or failed.")
    code: str | None
    message: str
    artifacts: dict[str, str]
    outputs: dict[str, dict[str, Any]] = Field(
        description="Artifact → its saved file (``path``, ``sha256``)."
    )


class AttemptRecord(_Record):
    """A provider that refused the job before any payment (``--fallback`` then moved
    it to the next candidate)."""

    provider: str
    error: str = Field(description="The class of problem: quota, rate-limit, …")
    code: str | int | None = Field(description="The provider's own code (456, 320, …).")
    message: str
    at: str = Field(description="When it refused (UTC, ISO 8601).")


class JobRecord(_Record):
    """Everything recorded of one job (``transhub jobs show``)."""

    job_id: str
    provider: str
    capability: str
    state: JobState = Field(
        description="submitting, running, finished, completed, failed, expired."
    )
    request: JobRequest = Field(description="What the job asks for, by its capability.")
    items: list[JobItemRecord]
    created_at: str
    updated_at: str
    task_id: str | None
    prepared_task_id: str | None
    percent: float | None
    pages: int | None
    message: str
    error: str | None
    error_kind: str | None
    submitted_at: str | None
    finished_at: str | None
    owner: str | None
    lease_until: float | None
    sending_at: str | None
    batch_id: str | None
    billed_characters: int | None = Field(
        description="Characters the provider billed, where it reports them (DeepL)."
    )
    attempts: list[AttemptRecord] = Field(
        description="Providers that refused the job before any payment, in order; the "
        "job's provider is the one that took it."
    )
    settings: dict[str, Any] = Field(
        description="The -c settings of the batch's run, by key (`jobs resume` applies "
        "them again); secrets are never recorded."
    )
    unrecorded: list[str] = Field(
        description="The keys of the secrets the batch's run was given with -c (not kept)."
    )


class JournalMigrateRecord(_Record):
    """What ``transhub journal migrate`` did."""

    backend: str = Field(description="sqlite or postgresql.")
    url: str = Field(description="Where the journal is (a password masked).")
    from_version: int
    to_version: int


class JournalStatusRecord(_Record):
    """The journal (``transhub journal status``)."""

    backend: str = Field(description="sqlite or postgresql.")
    url: str = Field(description="Where the journal is (a password masked).")
    schema_version: int
    required_version: int = Field(description="The schema version this transhub needs.")
    jobs: dict[str, int] = Field(description="How many jobs are in each state.")
    channels_in_use: int = Field(description="Provider channels held by running tasks.")


class ErrorBody(_Record):
    """What went wrong."""

    code: str = Field(description="The class of problem: the exit code's name (input, ...).")
    exit_code: int
    message: str
    provider: str | None
    hint: str | None = Field(description="What to do about it, when there is something.")


class ErrorDocument(_Record):
    """Any command's error under --json or --jsonl, on stderr."""

    error: ErrorBody


#: Command → (the model of one record, whether --json prints an array of them).
COMMANDS: dict[str, tuple[type[BaseModel], bool]] = {
    "providers": (ProviderRecord, True),
    "providers --doctor": (FindingRecord, True),
    "languages": (LanguageRecord, True),
    "account": (Balance, True),
    "doc pages": (PageRecord, True),
    "config get": (SettingRecord, False),
    "sandbox serve": (EmulatorRecord, True),
    "text": (TextResult, False),
    "ocr": (OcrResult, False),
    "dict": (DictionaryEntry, False),
    "doc translate": (DocumentItemRecord, True),
    "doc convert": (DocumentItemRecord, True),
    "image translate": (ImageItemRecord, True),
    "jobs show": (JobRecord, False),
    "jobs resume": (ResumedJobRecord, True),
    "jobs wait": (WaitedJobRecord, True),
    "doc translate --queue": (QueuedRecord, True),
    "journal migrate": (JournalMigrateRecord, False),
    "journal status": (JournalStatusRecord, False),
}


def schema(command: str) -> dict[str, Any]:
    """The JSON schema of ``command``'s ``--json`` output."""
    model, many = COMMANDS[command]
    one = model.model_json_schema()
    if not many:
        return one
    definitions = one.pop("$defs", None)
    document: dict[str, Any] = {"type": "array", "items": one}
    if definitions:
        document["$defs"] = definitions
    return document
