"""Where a queued job's inputs are read and its results written on the worker that
runs it: the results store (``results.dir``), by job id.

A queued job is recorded with ``queued`` set in its request, its inputs staged in
the store by SHA-256 and its results named but not placed.  The worker that adopts it
points the job at its own mount of the store (:func:`into_store`) before driving it,
so machines may mount the shared folder at different paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.jobs.model import Job
from transhub.jobs.requests import ImageJobRequest, JobRequest

if TYPE_CHECKING:
    from transhub.journal import Journal
    from transhub.store import ResultsStore


def is_queued(job: Job) -> bool:
    """Whether ``job`` was submitted with ``--queue`` (its results go to the store)."""
    return job.request.queued


def into_store(store: ResultsStore, journal: Journal, job: Job) -> Job:
    """Point an owned queued job at this machine's store: staged inputs and result
    folders under it.  Written to the journal (a resume reads them back); the job."""
    folder = store.folder(job.id)
    request: JobRequest = job.request
    if isinstance(request, ImageJobRequest):
        request = request.model_copy(update={"output_dir": folder})
    else:
        item = job.items[0]
        staged = store.staged(item.input_sha256 or "", Path(item.input).suffix)
        request = request.model_copy(update={"path": staged})
    if request != job.request:
        journal.update(job.id, request=request)
    for item in job.items:
        plan = dict(item.plan)
        if "document" in plan:
            plan["document"] = str(folder / Path(plan["document"]).name)
        if plan.get("path") and item.input_sha256:
            plan["path"] = str(store.staged(item.input_sha256, Path(item.input).suffix))
        if plan != item.plan:
            journal.update_item(job.id, item.position, plan=plan)
    return journal.get(job.id)


def recorded_outputs(job: Job) -> list[dict[str, Any]]:
    """Every saved result of a job (``path``, ``sha256``, ``size``)."""
    return [saved for item in job.items for saved in item.outputs.values()]
