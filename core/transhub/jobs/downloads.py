"""Saving a journalled job's results again (``transhub jobs download``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transhub.capabilities.document import DocumentTranslator
from transhub.capabilities.image import ImageItem, ImageTranslator
from transhub.capabilities.kinds import Capability
from transhub.errors import InputError, NotFoundError, ResultExpiredError
from transhub.jobs.drivers.images import image_source
from transhub.jobs.model import JobState
from transhub.jobs.placement import copy_saved
from transhub.jobs.requests import DocumentJobRequest, ImageJobRequest
from transhub.jobs.runner import Runner
from transhub.naming import output_name

if TYPE_CHECKING:
    from transhub.pool import ProviderPool


def download_job(hub: ProviderPool, job_id: str, output_dir: str | Path) -> list[Path]:
    """Save a journalled job's results again into ``output_dir``: from the
    provider while it keeps them, else copied from this job's saved files when
    they are intact.  Returns the paths written."""
    job = hub.journal.get(job_id)
    folder = Path(output_dir)
    if job.state is JobState.EXPIRED:
        return copy_saved(job, folder)  # the provider no longer has it: saved copies only
    if job.task_id is None or job.state not in (JobState.FINISHED, JobState.COMPLETED):
        raise InputError(f"job {job.id} has no result to download (state: {job.state.value})")
    written: list[Path] = []
    try:
        request = job.request
        if not isinstance(request, ImageJobRequest):
            impl = hub.instance(hub.route(job.capability, provider=job.provider))
            Runner.remind(impl, job)
            destination = folder / Path(job.items[0].plan["document"]).name
            if isinstance(impl, DocumentTranslator) and isinstance(request, DocumentJobRequest):
                written.append(impl.download(job.task_id, destination, request.kind).path)
            else:
                written.append(cast(Any, impl).download(job.task_id, destination).path)
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
                    written.append(translator.download(job.task_id, result, artifact, destination))
    except (ResultExpiredError, NotFoundError):
        written = copy_saved(job, folder)
    return written
