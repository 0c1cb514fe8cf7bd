"""Saving a journalled job's results again (``transhub jobs download``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transhub.capabilities.document import DocumentTranslator
from transhub.capabilities.image import ImageItem, ImageTranslator
from transhub.capabilities.kinds import Capability
from transhub.errors import InputError, NotFoundError, ResultExpiredError
from transhub.files import check_output_folder
from transhub.jobs.drivers.images import image_source
from transhub.jobs.model import Job, JobState
from transhub.jobs.placement import copy_saved, landing, put
from transhub.jobs.requests import DocumentJobRequest, ImageJobRequest
from transhub.jobs.runner import Runner
from transhub.naming import output_name

if TYPE_CHECKING:
    from transhub.pool import ProviderPool


def download_job(
    hub: ProviderPool, job_id: str, output_dir: str | Path, *, overwrite: bool = False
) -> list[Path]:
    """Save a journalled job's results again into ``output_dir``: from the
    provider while it keeps them, else copied from this job's saved files when
    they are intact.  Returns the paths written.

    A file already at a destination is never replaced unless ``overwrite``: it may
    be the user's (an edited translation).  Every destination, and the folder, is
    checked before anything is asked of the provider; the provider's file lands
    beside its destination and is moved into place only if that is still free."""
    job = hub.journal.get(job_id)
    folder = Path(output_dir)
    if job.state is JobState.EXPIRED:
        # The provider no longer has it: saved copies only.
        return copy_saved(job, folder, overwrite=overwrite)
    if job.task_id is None or job.state not in (JobState.FINISHED, JobState.COMPLETED):
        raise InputError(f"job {job.id} has no result to download (state: {job.state.value})")
    check_output_folder(folder)
    for destination in _destinations(job, folder):
        _free(destination, overwrite)
    written: list[Path] = []
    try:
        request = job.request
        if not isinstance(request, ImageJobRequest):
            impl = hub.instance(hub.route(job.capability, provider=job.provider))
            Runner.remind(impl, job)
            destination = folder / Path(job.items[0].plan["document"]).name
            landed = landing(job, destination)
            if isinstance(impl, DocumentTranslator) and isinstance(request, DocumentJobRequest):
                saved = impl.download(job.task_id, landed, request.kind).path
            else:
                saved = cast(Any, impl).download(job.task_id, landed).path
            written.append(put(saved, destination, overwrite=overwrite))
        else:
            translator = hub.instance(
                cast(
                    type[ImageTranslator[Any, Any]],
                    hub.route(Capability.IMAGE, provider=job.provider),
                )
            )
            Runner.remind(translator, job)
            for item in job.items:
                result = ImageItem(
                    source=image_source(item), success=True, artifacts=item.artifacts
                )
                for artifact, reference in item.artifacts.items():
                    destination = output_name(
                        folder, item.plan["stem"], request.target, artifact, reference
                    )
                    landed = translator.download(
                        job.task_id, result, artifact, landing(job, destination)
                    )
                    written.append(put(landed, destination, overwrite=overwrite))
    except (ResultExpiredError, NotFoundError):
        written = copy_saved(job, folder, overwrite=overwrite)
    return written


def _destinations(job: Job, folder: Path) -> list[Path]:
    """Where a download from the provider will put the job's files."""
    request = job.request
    if not isinstance(request, ImageJobRequest):
        return [folder / Path(job.items[0].plan["document"]).name]
    return [
        output_name(folder, item.plan["stem"], request.target, artifact, reference)
        for item in job.items
        for artifact, reference in item.artifacts.items()
    ]


def _free(destination: Path, overwrite: bool) -> None:
    """Refuse a destination that holds a file (unless ``overwrite``) or a folder."""
    if destination.is_dir():
        raise InputError("is a folder, not a file for the result", path=destination)
    if not overwrite and (destination.exists() or destination.is_symlink()):
        raise InputError("already exists (use --overwrite to replace it)", path=destination)


def fetch_queued(
    hub: ProviderPool, job: Job, output_dir: Path, *, overwrite: bool = False
) -> list[Path]:
    """Copy a queued (cluster) job's results out of the results store into
    ``output_dir``, each checked against its recorded SHA-256; every destination is
    checked before the first copy (an existing file only with ``overwrite``)."""
    from transhub.files import check_output_file
    from transhub.store import configured_store

    saved = [entry for item in job.items for entry in item.outputs.values()]
    if job.state is not JobState.COMPLETED or not saved:
        raise InputError(f"job {job.id} has no result to download (state: {job.state.value})")
    store = configured_store(hub.settings)
    destinations = [(entry, output_dir / Path(entry["path"]).name) for entry in saved]
    for _entry, destination in destinations:
        check_output_file(destination, overwrite=overwrite)
    return [
        store.fetch(job.id, destination.name, entry["sha256"], destination)
        for entry, destination in destinations
    ]
