"""Saving an image task's results: every artifact of every image downloaded at once
(result URLs may be short-lived), each placed beside its destination and recorded as it
lands, so that ``jobs resume`` fetches only what is missing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from transhub.capabilities.image import ImageItem, ImageSource, ImageTaskStatus, ImageTranslator
from transhub.errors import ResultExpiredError, TranshubError
from transhub.files import file_digest
from transhub.jobs import placement
from transhub.jobs.drivers import Driver, copy_prior
from transhub.jobs.model import Item, ItemStatus, Job, JobState
from transhub.jobs.requests import ImageJobRequest
from transhub.naming import output_name
from transhub.results import ImageOutcome

#: Result files of one image task downloaded at once.
DOWNLOADS_AT_ONCE = 8


class ImageResults(Driver):
    """The part of the image driver that records a task's items and saves their files."""

    def _save_items(
        self, job: Job, translator: ImageTranslator[Any, Any], sources: list[ImageSource]
    ) -> list[ImageOutcome]:
        """Download every artifact not saved yet — all images of the task at once, as
        result URLs may be short-lived — recording each item as it lands."""
        with ThreadPoolExecutor(max_workers=DOWNLOADS_AT_ONCE) as pool:
            outcomes = list(
                pool.map(
                    lambda pair: self._save_item(job, translator, *pair),
                    zip(job.items, sources, strict=True),
                )
            )
        if all(o.success or o.code != "download" for o in outcomes):
            self.journal.update(job.id, state=JobState.COMPLETED)
        # else the job stays "finished": `jobs resume` downloads what is missing.
        return outcomes

    def _save_item(
        self, job: Job, translator: ImageTranslator[Any, Any], item: Item, source: ImageSource
    ) -> ImageOutcome:
        if item.state is ItemStatus.FAILED:
            return ImageOutcome(
                input=item.input,
                provider=job.provider,
                job_id=job.id,
                task_id=job.task_id,
                success=False,
                code=item.code,
                message=item.message,
            )
        spec = self.request(job, ImageJobRequest)
        outputs = dict(item.outputs)
        result = ImageItem(
            source=source,
            success=True,
            code=item.code,
            message=item.message,
            artifacts=item.artifacts,
        )
        for artifact, reference in item.artifacts.items():
            if artifact in outputs:
                continue  # saved before the last run stopped
            destination = output_name(
                spec.folder, item.plan["stem"], spec.target, artifact, reference
            )
            try:
                landed = translator.download(
                    job.task_id or "", result, artifact, placement.landing(job, destination)
                )
            except ResultExpiredError:
                raise  # the whole task's results are gone
            except TranshubError as exc:
                # This image only: the others are saved, and resume fetches this one.
                return ImageOutcome(
                    input=item.input,
                    provider=job.provider,
                    job_id=job.id,
                    task_id=job.task_id,
                    success=False,
                    code="download",
                    message=f"{exc} (finish with `transhub jobs resume {job.id}`)",
                    error_kind=exc.kind,
                    outputs={k: Path(v["path"]) for k, v in outputs.items()},
                )
            sha256, size = file_digest(landed), landed.stat().st_size
            saved = placement.place(
                self.journal, job, landed, destination, sha256, item.fingerprint
            )
            outputs[artifact] = {"path": str(saved), "sha256": sha256, "size": size}
            if len(outputs) < len(item.artifacts):  # the last one is recorded with the state
                self.journal.update_item(job.id, item.position, outputs=outputs)
        self.journal.update_item(job.id, item.position, state=ItemStatus.COMPLETED, outputs=outputs)
        return ImageOutcome(
            input=item.input,
            provider=job.provider,
            job_id=job.id,
            task_id=job.task_id,
            success=True,
            code=item.code,
            message=item.message,
            outputs={k: Path(v["path"]) for k, v in outputs.items()},
        )

    def _record_items(self, job: Job, status: ImageTaskStatus) -> None:
        # One transaction for the task's images (it runs while the task's slot is
        # held: 20 writes there delayed the next task).
        self.journal.update_items(
            job.id,
            [
                (
                    item.position,
                    {
                        "state": ItemStatus.PENDING if result.success else ItemStatus.FAILED,
                        "code": result.code,
                        "message": result.message,
                        "artifacts": result.artifacts,
                    },
                )
                for item, result in zip(job.items, status.items, strict=False)
            ],
        )

    def _reused(
        self,
        provider: str,
        source: ImageSource,
        stem: str,
        prior: Item,
        request: ImageJobRequest,
    ) -> ImageOutcome:
        """An identical earlier image's result copied to this batch's names."""
        destinations = {
            artifact: output_name(request.folder, stem, request.target, artifact, saved["path"])
            for artifact, saved in prior.outputs.items()
        }
        item = Item(
            position=0,
            input=source.label,
            fingerprint=prior.fingerprint,
            plan={
                "stem": stem,
                "url": source.url or "",
                "path": str(source.path) if source.path else "",
            },
        )
        outputs = copy_prior(prior, destinations, request.overwrite)
        job = self.runner.record_reuse(
            provider, self.capability, request, item, outputs, prior.code
        )
        return ImageOutcome(
            input=source.label,
            provider=provider,
            job_id=job.id,
            success=True,
            reused=True,
            outputs={k: Path(v["path"]) for k, v in outputs.items()},
        )
